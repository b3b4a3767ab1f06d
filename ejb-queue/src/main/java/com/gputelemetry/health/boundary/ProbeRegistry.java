package com.gputelemetry.health.boundary;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * The probes the application registered, by check name. Static because it is the one place that both the checks in
 * {@code lib/} and the EJB module's beans can reach on every server; {@code lib/} is loaded once per application, so
 * every deployment has its own.
 */
public final class ProbeRegistry {

    private static final Map<String, Supplier<HealthCheckResponse>> REGISTERED = new ConcurrentHashMap<>();

    private ProbeRegistry() {}

    public static void register(String check, Supplier<HealthCheckResponse> probe) {
        REGISTERED.put(check, probe);
    }

    public static void unregister(String check) {
        REGISTERED.remove(check);
    }

    /**
     * What the check's probe reports; without a probe (the application has not started, or is stopping) the check is
     * {@code upWithoutProbe}: down for readiness and start-up, up for liveness, which must not restart a server that
     * is only slow to start.
     */
    static HealthCheckResponse call(String check, boolean upWithoutProbe) {
        Supplier<HealthCheckResponse> probe = REGISTERED.get(check);
        if (probe == null) {
            return HealthCheckResponse.named(check)
                    .status(upWithoutProbe)
                    .withData("reason", "the application has not started it (yet)")
                    .build();
        }
        return probe.get();
    }
}
