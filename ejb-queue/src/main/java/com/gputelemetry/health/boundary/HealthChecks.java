package com.gputelemetry.health.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/** The application's checks as MicroProfile Health sees them; each answers with what its probe reports. */
@ApplicationScoped
public class HealthChecks {

    public static final String DATABASE = "database";
    public static final String COLLECTORS = "collectors";
    public static final String QUEUE_DISPATCHER = "queue-dispatcher";

    /** Ready only while the database answers: without it nothing can be ingested or served. */
    @Produces
    @Readiness
    HealthCheck database() {
        return () -> Probes.call(DATABASE);
    }

    /** Ready once the collectors are subscribed, so that ingested telemetry is also stored. */
    @Produces
    @Readiness
    HealthCheck collectors() {
        return () -> Probes.call(COLLECTORS);
    }

    /** Live while the queue's periodic wake-up keeps running: if it stops, only a restart helps. */
    @Produces
    @Liveness
    HealthCheck queueDispatcher() {
        return () -> Probes.call(QUEUE_DISPATCHER);
    }
}
