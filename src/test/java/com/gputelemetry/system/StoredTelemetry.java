package com.gputelemetry.system;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** Reads the telemetry table straight from the database, to check what the server stored, not what it says. */
record StoredTelemetry(long points, long distinctPoints, long gpus) {

    static StoredTelemetry read(String jdbcUrl, String user, String password) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
                Statement statement = connection.createStatement()) {
            return new StoredTelemetry(
                    single(statement, "SELECT COUNT(*) FROM telemetry_point"),
                    single(
                            statement,
                            "SELECT COUNT(*) FROM (SELECT DISTINCT gpu_uuid, metric, time_us FROM telemetry_point) d"),
                    single(statement, "SELECT COUNT(*) FROM gpu"));
        }
    }

    private static long single(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
