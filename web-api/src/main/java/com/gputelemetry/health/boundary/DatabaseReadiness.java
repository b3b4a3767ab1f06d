package com.gputelemetry.health.boundary;

import jakarta.annotation.Resource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only while the database answers: without it nothing can be ingested or served. */
@Readiness
@ApplicationScoped
public class DatabaseReadiness implements HealthCheck {

    private static final int TIMEOUT_SECONDS = 2;

    @Resource(lookup = "jdbc/telemetry")
    DataSource dataSource;

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("database");
        try (Connection connection = dataSource.getConnection()) {
            boolean valid = connection.isValid(TIMEOUT_SECONDS);
            return response.status(valid)
                    .withData("product", connection.getMetaData().getDatabaseProductName())
                    .withData("reason", valid ? "answered within " + TIMEOUT_SECONDS + " s" : "connection not valid")
                    .build();
        } catch (SQLException e) {
            return response.down()
                    .withData("reason", "cannot connect: " + e.getMessage())
                    .build();
        }
    }
}
