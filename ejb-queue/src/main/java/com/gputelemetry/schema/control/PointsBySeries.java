package com.gputelemetry.schema.control;

import com.gputelemetry.telemetry.entity.TelemetrySeries;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The step of migration 12 after its script: the points of the table by GPU and metric name (what the earlier versions
 * wrote, the open window and any not compacted yet) moved into the table by series, in the migration's transaction.
 * Their series' ids are computed here, as the collectors compute them, so that the database need not hash.
 */
final class PointsBySeries {

    private PointsBySeries() {}

    static void move(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                PreparedStatement register = connection.prepareStatement(
                        "INSERT INTO telemetry_series (id, gpu_uuid, metric, workload_id) SELECT ?, ?, ?, ?"
                                + " WHERE NOT EXISTS (SELECT 1 FROM telemetry_series WHERE id = ?)")) {
            try (ResultSet series = statement.executeQuery(
                    "SELECT DISTINCT gpu_uuid, metric, COALESCE(workload_id, 0)" + " FROM telemetry_point_by_gpu")) {
                while (series.next()) {
                    long id = TelemetrySeries.idOf(series.getString(1), series.getString(2), series.getLong(3));
                    register.setLong(1, id);
                    register.setString(2, series.getString(1));
                    register.setString(3, series.getString(2));
                    register.setLong(4, series.getLong(3));
                    register.setLong(5, id);
                    register.addBatch();
                }
            }
            register.executeBatch();
            statement.executeUpdate("INSERT INTO telemetry_point (series_id, time_us, id, metric_value, source_time_us)"
                    + " SELECT s.id, p.time_us, p.id, p.metric_value, p.source_time_us FROM telemetry_point_by_gpu p"
                    + " JOIN telemetry_series s ON s.gpu_uuid = p.gpu_uuid AND s.metric = p.metric"
                    + " AND s.workload_id = COALESCE(p.workload_id, 0)");
            statement.execute("DROP TABLE telemetry_point_by_gpu");
        }
    }
}
