package com.gputelemetry.system;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.Set;

/**
 * Reads the stored points straight from the database (rows and blocks), to check what the server stored, not what it
 * says.
 *
 * @param packed the points in blocks
 * @param doubled points (by id) stored twice: in a row and a block, or in two blocks
 */
record StoredTelemetry(long points, long distinctPoints, long gpus, long packed, long doubled) {

    static StoredTelemetry read(String jdbcUrl, String user, String password) throws SQLException {
        try (Connection connection = StoredPoints.snapshot(jdbcUrl, user, password);
                Statement statement = connection.createStatement()) {
            Set<Long> ids = new HashSet<>();
            Set<String> distinct = new HashSet<>();
            long[] counts = new long[3]; // points, packed, doubled
            StoredPoints.forEach(connection, point -> {
                counts[0]++;
                counts[1] += point.packed() ? 1 : 0;
                counts[2] += ids.add(point.id()) ? 0 : 1;
                distinct.add(point.gpu() + " " + point.metric() + " " + point.timeMicros());
            });
            return new StoredTelemetry(
                    counts[0], distinct.size(), single(statement, "SELECT COUNT(*) FROM gpu"), counts[1], counts[2]);
        }
    }

    private static long single(Statement statement, String sql) throws SQLException {
        try (ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
