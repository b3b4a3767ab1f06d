package com.gputelemetry.system;

import org.junit.jupiter.api.BeforeAll;

/** The EAR on WildFly (Hibernate), deployed by {@code server-config/wildfly/deploy.sh}. */
class WildFlySystemIT extends ApplicationServerSystemTest {

    @BeforeAll
    void deploy() throws Exception {
        deploy(WildFlyServer.unpack());
    }
}
