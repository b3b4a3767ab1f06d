package com.gputelemetry.graphql.control;

import io.smallrye.graphql.spi.LookupService;
import io.smallrye.graphql.spi.ManagedInstance;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.spi.CDI;

/**
 * Finds the resolvers among this WAR's CDI beans. SmallRye's own lookup asks {@code CDI.current()} from its jar in
 * {@code WEB-INF/lib}, which is no bean archive: WildFly then answers with the EAR's bean manager, which does not see
 * the WAR's beans, and every field fails. Weld picks the bean manager by the calling class, so asked from here, a
 * class of the WAR, it is the WAR's.
 */
public class WarBeans implements LookupService {

    @Override
    public String getName() {
        return "CDI (the WAR's bean manager)";
    }

    @Override
    public Class<?> getClass(Class<?> declaringClass) {
        return getInstance(declaringClass).get().getClass();
    }

    @Override
    public <T> ManagedInstance<T> getInstance(Class<T> declaringClass) {
        Instance.Handle<T> handle = CDI.current().select(declaringClass).getHandle();
        T bean = handle.get();
        return new ManagedInstance<>() {
            @Override
            public T get() {
                return bean;
            }

            @Override
            public void destroyIfNecessary() {
                if (handle.getBean().getScope().equals(Dependent.class)) {
                    handle.destroy();
                }
            }
        };
    }

    @Override
    public boolean isResolvable(Class<?> declaringClass) {
        return CDI.current().select(declaringClass).isResolvable();
    }
}
