package com.gputelemetry.system;

import com.gputelemetry.telemetry.entity.PackedPoints;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.function.Consumer;

/**
 * Every point the store holds, read straight from its tables: the rows, and the blocks unpacked (with the format the
 * server packs them in). What the audits count and compare, wherever a point lives.
 */
final class StoredPoints {

    /** A stored point; workload 0 for none, {@code packed} when it came out of a block. */
    record Point(long id, String gpu, String metric, long workload, long timeMicros, double value, boolean packed) {}

    private StoredPoints() {}

    /**
     * A connection whose statements all read one snapshot. The rows and the blocks are read by separate statements; a
     * compaction committing between them would otherwise show its points twice (or, read the other way, not at all).
     */
    static Connection snapshot(String jdbcUrl, String user, String password) throws SQLException {
        Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
        connection.setAutoCommit(false);
        connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        return connection;
    }

    static void forEach(Connection connection, Consumer<Point> each) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.setFetchSize(10_000);
            // LEFT: a point whose series is not registered comes too, of no GPU, and no audit finds it sent.
            try (ResultSet rs = statement.executeQuery("SELECT p.id, s.gpu_uuid, s.metric, s.workload_id, p.time_us,"
                    + " p.metric_value FROM telemetry_point p LEFT JOIN telemetry_series s ON s.id = p.series_id")) {
                while (rs.next()) {
                    each.accept(new Point(
                            rs.getLong(1),
                            rs.getString(2),
                            rs.getString(3),
                            rs.getLong(4),
                            rs.getLong(5),
                            rs.getDouble(6),
                            false));
                }
            }
        }
        try (Statement statement = connection.createStatement()) {
            statement.setFetchSize(100);
            try (ResultSet rs = statement.executeQuery("SELECT s.gpu_uuid, s.metric, s.workload_id, b.points"
                    + " FROM telemetry_block b JOIN telemetry_series s ON s.id = b.series_id")) {
                while (rs.next()) {
                    PackedPoints points = PackedPoints.unpack(rs.getBytes(4));
                    for (int i = 0; i < points.size(); i++) {
                        each.accept(new Point(
                                points.id(i),
                                rs.getString(1),
                                rs.getString(2),
                                rs.getLong(3),
                                points.timeMicros(i),
                                points.value(i),
                                true));
                    }
                }
            }
        }
    }
}
