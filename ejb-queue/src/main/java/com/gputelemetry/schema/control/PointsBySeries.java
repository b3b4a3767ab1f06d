package com.gputelemetry.schema.control;

import com.gputelemetry.telemetry.entity.TelemetrySeries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Migration 12 ({@code V12__points_by_series.sql} says why): the table of points by series made, and the points of
 * the table by GPU and metric name (what the earlier versions wrote: the open window, and any not compacted yet) moved
 * into it, their series registered first. In the migration's transaction; on H2, whose DDL commits at once, each part
 * is done only if a run killed before did not do it, so a second run finishes the first's work.
 */
final class PointsBySeries {

    private static final String EARLIER = "telemetry_point_by_gpu";

    private PointsBySeries() {}

    static void migrate(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            if (hasColumn(connection, "telemetry_point", "gpu_uuid")) {
                statement.execute("ALTER TABLE telemetry_point RENAME TO " + EARLIER);
            }
            statement.execute("CREATE TABLE IF NOT EXISTS telemetry_point ("
                    + "series_id BIGINT NOT NULL, time_us BIGINT NOT NULL, id BIGINT NOT NULL,"
                    + " metric_value DOUBLE PRECISION NOT NULL, source_time_us BIGINT,"
                    + " CONSTRAINT telemetry_point_series_time PRIMARY KEY (series_id, time_us, id))");
            if (hasColumn(connection, EARLIER, "gpu_uuid")) {
                registerSeries(connection, statement);
                statement.executeUpdate("INSERT INTO telemetry_point (series_id, time_us, id, metric_value,"
                        + " source_time_us) SELECT s.id, p.time_us, p.id, p.metric_value, p.source_time_us FROM "
                        + EARLIER + " p JOIN telemetry_series s ON s.gpu_uuid = p.gpu_uuid AND s.metric = p.metric"
                        + " AND s.workload_id = COALESCE(p.workload_id, 0) WHERE NOT EXISTS (SELECT 1 FROM"
                        + " telemetry_point n WHERE n.series_id = s.id AND n.time_us = p.time_us AND n.id = p.id)");
                statement.execute("DROP TABLE " + EARLIER);
            }
        }
    }

    /** Registers the series of the earlier table's points, with their ids as the collectors compute them. */
    private static void registerSeries(Connection connection, Statement statement) throws SQLException {
        try (PreparedStatement register = connection.prepareStatement(
                        "INSERT INTO telemetry_series (id, gpu_uuid, metric, workload_id) SELECT ?, ?, ?, ?"
                                + " WHERE NOT EXISTS (SELECT 1 FROM telemetry_series WHERE id = ?)");
                ResultSet series = statement.executeQuery(
                        "SELECT DISTINCT gpu_uuid, metric, COALESCE(workload_id, 0) FROM " + EARLIER)) {
            while (series.next()) {
                long id = TelemetrySeries.idOf(series.getString(1), series.getString(2), series.getLong(3));
                register.setLong(1, id);
                register.setString(2, series.getString(1));
                register.setString(3, series.getString(2));
                register.setLong(4, series.getLong(3));
                register.setLong(5, id);
                register.addBatch();
            }
            register.executeBatch();
        }
    }

    private static boolean hasColumn(Connection connection, String table, String column) throws SQLException {
        boolean upper = connection.getMetaData().storesUpperCaseIdentifiers();
        try (ResultSet columns = connection
                .getMetaData()
                .getColumns(
                        null,
                        connection.getSchema(),
                        upper ? table.toUpperCase() : table,
                        upper ? column.toUpperCase() : column)) {
            return columns.next();
        }
    }
}
