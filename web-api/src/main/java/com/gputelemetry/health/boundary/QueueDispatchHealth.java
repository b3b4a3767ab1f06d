package com.gputelemetry.health.boundary;

import com.gputelemetry.collector.boundary.CollectorStartup;
import com.gputelemetry.queue.boundary.MessageQueue;
import com.gputelemetry.queue.control.GroupStatus;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;

/**
 * The queue's dispatcher. Live while its periodic wake-up keeps running (if it stops, only a restart helps); ready
 * once the collectors are subscribed, so that ingested telemetry is also stored.
 */
@ApplicationScoped
public class QueueDispatchHealth {

    private static final long STALLED_AFTER_MILLIS = 30_000;

    @EJB
    MessageQueue queue;

    @Produces
    @Liveness
    HealthCheck dispatcherRunning() {
        return () -> {
            long silence = queue.millisSinceLastPoll();
            return HealthCheckResponse.named("queue-dispatcher")
                    .status(silence < STALLED_AFTER_MILLIS)
                    .withData("millisSinceLastWakeUp", silence)
                    .build();
        };
    }

    @Produces
    @Readiness
    HealthCheck collectorsSubscribed() {
        return () -> {
            var response = HealthCheckResponse.named("collectors");
            GroupStatus collectors = queue.groups().stream()
                    .filter(g -> g.group().equals(CollectorStartup.GROUP))
                    .findFirst()
                    .orElse(null);
            if (collectors == null) {
                return response.down()
                        .withData("reason", "the collectors are not subscribed yet")
                        .build();
            }
            response.up()
                    .withData("workers", collectors.workers())
                    .withData("delivered", collectors.delivered())
                    .withData("redeliveries", collectors.redeliveries())
                    .withData("deadLetters", collectors.deadLetters());
            if (collectors.lastError() != null) {
                response.withData("lastError", collectors.lastError());
            }
            return response.build();
        };
    }
}
