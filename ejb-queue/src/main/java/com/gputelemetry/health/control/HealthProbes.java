package com.gputelemetry.health.control;

import static com.gputelemetry.health.boundary.HealthChecks.COLLECTORS;
import static com.gputelemetry.health.boundary.HealthChecks.DATABASE;
import static com.gputelemetry.health.boundary.HealthChecks.QUEUE_DISPATCHER;

import com.gputelemetry.collector.boundary.CollectorStartup;
import com.gputelemetry.health.boundary.Probes;
import com.gputelemetry.queue.boundary.MessageQueue;
import com.gputelemetry.queue.control.GroupStatus;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheckResponse;

/** The application's health probes, registered with the checks for as long as the application runs. */
@Singleton
@Startup
public class HealthProbes {

    private static final int DATABASE_TIMEOUT_SECONDS = 2;
    private static final long STALLED_AFTER_MILLIS = 30_000;

    // A reference, not a global name: the servers name the datasource differently (see jboss-ejb3.xml).
    @Resource(name = "jdbc/telemetry")
    DataSource dataSource;

    @EJB
    MessageQueue queue;

    @PostConstruct
    void register() {
        Probes.register(DATABASE, this::database);
        Probes.register(COLLECTORS, this::collectors);
        Probes.register(QUEUE_DISPATCHER, this::queueDispatcher);
    }

    @PreDestroy
    void unregister() {
        Probes.unregister(DATABASE);
        Probes.unregister(COLLECTORS);
        Probes.unregister(QUEUE_DISPATCHER);
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
        return HealthCheckResponse.named(QUEUE_DISPATCHER)
                .status(silence < STALLED_AFTER_MILLIS)
                .withData("millisSinceLastWakeUp", silence)
                .build();
    }
}
