package com.gputelemetry.system;

import org.junit.jupiter.api.BeforeAll;

/** The EAR on Payara Server (EclipseLink), deployed by {@code server-config/payara-server/deploy.sh}. */
class PayaraServerSystemIT extends ApplicationServerSystemTest {

    @BeforeAll
    void deploy() throws Exception {
        deploy(PayaraServer.unpack());
    }
}
