package com.gputelemetry.system;

import com.gputelemetry.telemetry.entity.SeriesEnd;
import com.gputelemetry.telemetry.entity.TelemetryRow;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Row by row, what the queue's log holds against what the collectors stored (rows and blocks), read straight from the database, by
 * (GPU, metric, time, value): where they differ, it says on which side of the queue the row went missing or changed
 * (never appended, or appended and not stored, or stored with another value) and in which record. The log is what the
 * server acknowledged: it answers a batch only once the batch's records are committed to it. A row of a sample GPU
 * must also carry the sample's value for its metric, so a value changed before the log is caught too. Unlike counting
 * distinct (GPU, metric, time), it holds when several streamers send the same file at once: two of them may stamp the
 * same GPU's metric with the same microsecond, two rows rightly stored. A Prometheus staleness marker in the log must
 * be stored as the end of its series, once however often it came.
 */
record LogAudit(long loggedRows, long storedRows, List<String> differences) {

    private static final int SHOWN = 20;

    static LogAudit read(String jdbcUrl, String user, String password) throws SQLException {
        try (Connection connection = StoredPoints.snapshot(jdbcUrl, user, password)) {
            // A cursor rather than the whole log in memory at once.
            connection.setAutoCommit(false);
            Map<String, List<String>> logged = new HashMap<>();
            Set<String> loggedEnds = new HashSet<>();
            List<String> differences = new ArrayList<>();
            long loggedRows = 0;
            try (Statement statement = connection.createStatement()) {
                statement.setFetchSize(200);
                try (ResultSet rs = statement.executeQuery("SELECT partition_no, record_offset, appended_at_ms, payload"
                        + " FROM queue_record WHERE topic = 'telemetry'")) {
                    while (rs.next()) {
                        String record =
                                "record " + rs.getInt(1) + "@" + rs.getLong(2) + " appended at " + rs.getLong(3);
                        for (TelemetryRow row : TelemetryRow.fromPayload(rs.getString(4))) {
                            if (row.isStaleMarker()) {
                                // The end of a series, which a remote-writing Prometheus may send more than once.
                                loggedEnds.add(end(
                                        row.uuid(),
                                        row.metric(),
                                        row.workload() == null
                                                ? SeriesEnd.NO_WORKLOAD
                                                : row.workload().id(),
                                        row.timeMicros()));
                                continue;
                            }
                            Double sent = TelemetryCsv.sampleValue(row.uuid(), row.metric());
                            if (sent != null && sent != row.value()) {
                                differences.add("logged with " + row.value() + ", sent with " + sent + ": " + row.uuid()
                                        + " " + row.metric() + " in " + record);
                            }
                            logged.computeIfAbsent(
                                            key(row.uuid(), row.metric(), row.timeMicros(), row.value()),
                                            k -> new ArrayList<>())
                                    .add(record);
                            loggedRows++;
                        }
                    }
                }
            }
            long[] storedRows = {0};
            StoredPoints.forEach(connection, point -> {
                storedRows[0]++;
                String key = key(point.gpu(), point.metric(), point.timeMicros(), point.value());
                List<String> records = logged.get(key);
                if (records == null || records.isEmpty()) {
                    differences.add("stored, not (or no more often) in the log: " + key);
                } else {
                    records.remove(records.size() - 1);
                }
            });
            logged.forEach((key, records) ->
                    records.forEach(record -> differences.add("in the log, not stored: " + key + " in " + record)));
            Set<String> storedEnds = new HashSet<>();
            try (Statement statement = connection.createStatement();
                    ResultSet rs =
                            statement.executeQuery("SELECT gpu_uuid, metric, workload_id, time_us FROM series_end")) {
                while (rs.next()) {
                    storedEnds.add(end(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getLong(4)));
                }
            }
            loggedEnds.stream()
                    .filter(end -> !storedEnds.contains(end))
                    .forEach(end -> differences.add("a series' end in the log, not stored: " + end));
            storedEnds.stream()
                    .filter(end -> !loggedEnds.contains(end))
                    .forEach(end -> differences.add("a series' end stored, not in the log: " + end));
            connection.rollback();
            return new LogAudit(loggedRows, storedRows[0], differences.subList(0, Math.min(SHOWN, differences.size())));
        }
    }

    private static String end(String uuid, String metric, long workloadId, long timeMicros) {
        return uuid + " " + metric + " (workload " + workloadId + ") ended at " + timeMicros;
    }

    private static String key(String uuid, String metric, long timeMicros, double value) {
        return uuid + " " + metric + " " + timeMicros + " = " + value;
    }

    /** Each producer's highest stored batch sequence, by producer id. */
    static Map<String, Long> producerSequences(String jdbcUrl, String user, String password) throws SQLException {
        Map<String, Long> sequences = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT producer_id, last_sequence FROM queue_producer")) {
            while (rs.next()) {
                sequences.put(rs.getString(1), rs.getLong(2));
            }
        }
        return sequences;
    }
}
