package com.gputelemetry.health.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/** The application's checks as MicroProfile Health sees them; each answers with what its probe reports. */
@ApplicationScoped
public class HealthChecks {

    public static final String STARTED = "application";
    public static final String DATABASE = "database";
    public static final String COLLECTORS = "collectors";
    public static final String QUEUE_DISPATCHER = "queue-dispatcher";

    /** Started once the EJB module is up (migrations applied, queue running): until then liveness is not asked. */
    @Produces
    @Startup
    HealthCheck started() {
        return () -> ProbeRegistry.call(STARTED, false);
    }

    /** Ready only while the database answers: without it nothing can be ingested or served. */
    @Produces
    @Readiness
    HealthCheck database() {
        return () -> ProbeRegistry.call(DATABASE, false);
    }

    /** Ready once the collectors are subscribed, so that ingested telemetry is also stored. */
    @Produces
    @Readiness
    HealthCheck collectors() {
        return () -> ProbeRegistry.call(COLLECTORS, false);
    }

    /** Live while the queue's periodic wake-up keeps running: if it stops, only a restart helps. */
    @Produces
    @Liveness
    HealthCheck queueDispatcher() {
        return () -> ProbeRegistry.call(QUEUE_DISPATCHER, true);
    }
}
