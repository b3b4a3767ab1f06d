package com.gputelemetry.health.control;

import static com.gputelemetry.health.boundary.HealthChecks.COLLECTORS;
import static com.gputelemetry.health.boundary.HealthChecks.DATABASE;
import static com.gputelemetry.health.boundary.HealthChecks.QUEUE_DISPATCHER;
import static com.gputelemetry.health.boundary.HealthChecks.STARTED;

import com.gputelemetry.collector.boundary.CollectorStartup;
import com.gputelemetry.health.boundary.ProbeRegistry;
import com.gputelemetry.queue.boundary.MessageQueue;
import com.gputelemetry.queue.control.GroupStatus;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheckResponse;

/**
 * The application's health probes, registered with the checks for as long as the application runs. Registered after
 * the queue has started (and with it the migrations), so that "started" means the application can work.
 */
@Singleton
@Startup
@DependsOn("MessageQueue")
public class HealthProbes {

    private static final int DATABASE_TIMEOUT_SECONDS = 2;
    private static final long STALLED_AFTER_MILLIS = 30_000;

    @Inject
    DataSource dataSource;

    @EJB
    MessageQueue queue;

    @PostConstruct
    void register() {
        ProbeRegistry.register(DATABASE, this::database);
        ProbeRegistry.register(COLLECTORS, this::collectors);
        ProbeRegistry.register(QUEUE_DISPATCHER, this::queueDispatcher);
        ProbeRegistry.register(
                STARTED, () -> HealthCheckResponse.named(STARTED).up().build());
    }

    @PreDestroy
    void unregister() {
        for (String check : new String[] {STARTED, DATABASE, COLLECTORS, QUEUE_DISPATCHER}) {
            ProbeRegistry.unregister(check);
        }
    }

    HealthCheckResponse database() {
        var response = HealthCheckResponse.named(DATABASE);
        try (Connection connection = dataSource.getConnection()) {
            boolean valid = connection.isValid(DATABASE_TIMEOUT_SECONDS);
            return response.status(valid)
                    .withData("product", connection.getMetaData().getDatabaseProductName())
                    .withData(
                            "reason",
                            valid ? "answered within " + DATABASE_TIMEOUT_SECONDS + " s" : "connection not valid")
                    .build();
        } catch (SQLException e) {
            return response.down()
                    .withData("reason", "cannot connect: " + e.getMessage())
                    .build();
        }
    }

    HealthCheckResponse collectors() {
        var response = HealthCheckResponse.named(COLLECTORS);
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
    }

    HealthCheckResponse queueDispatcher() {
        long silence = queue.millisSinceLastPoll();
        var response = HealthCheckResponse.named(QUEUE_DISPATCHER)
                .status(silence < STALLED_AFTER_MILLIS)
                .withData("millisSinceLastWakeUp", silence);
        if (silence >= STALLED_AFTER_MILLIS) {
            response.withData("reason", "the queue's periodic wake-up has not run for " + silence + " ms");
        }
        return response.build();
    }
}
