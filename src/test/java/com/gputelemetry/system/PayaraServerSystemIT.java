package com.gputelemetry.system;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/** The EAR on Payara Server (EclipseLink), deployed by {@code server-config/payara-server/deploy.sh}. */
class PayaraServerSystemIT extends ApplicationServerSystemTest {

    @BeforeAll
    void deploy() throws Exception {
        deploy(PayaraServer.unpack());
    }

    /** After the sample, before any rebalance: Payara Server has MicroProfile Metrics (WildFly 39 has not). */
    @Test
    @Order(45)
    void everyDocumentedMetricHasTheValueTheQueueReports() throws Exception {
        ServerMetrics.assertAgreeWithTheQueueOfALoneServer(server);
    }
}
