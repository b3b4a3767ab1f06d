package com.gputelemetry.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.gputelemetry.telemetry.entity.TelemetrySeries;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;
import java.util.stream.IntStream;
import org.postgresql.PGConnection;

/**
 * How the rollup benchmark's month went into the database: the points, the seconds of the bulk loads, the seconds the
 * server took to roll up and pack them. What the month holds is {@link RollupBenchmarkIT}'s (its checks compute every
 * answer from the same functions).
 *
 * @param rawBytesPerPoint the raw table's bytes (rows and key) a point of the first day, before the server packed any;
 *     NaN where not measured (H2)
 */
record MonthLoad(long points, double loadSeconds, double mergeSeconds, double rawBytesPerPoint) {

    /** The GPUs' rows, first and last seen over the whole month, and their series, as the collectors keep them. */
    static void registerGpus(BenchmarkStore store, int gpus, long startMicros) throws Exception {
        String metrics = String.join(
                ",",
                IntStream.range(0, RollupBenchmarkIT.METRICS)
                        .mapToObj(RollupBenchmarkIT::metric)
                        .toList());
        try (Connection connection = store.connect();
                PreparedStatement gpu = connection.prepareStatement(
                        "INSERT INTO gpu (uuid, hostname, gpu_index,"
                                + " device, model, labels, metrics, first_seen_us, last_seen_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            for (int g = 0; g < gpus; g++) {
                gpu.setString(1, RollupBenchmarkIT.uuid(g));
                gpu.setString(2, "host-" + g / 8);
                gpu.setInt(3, g % 8);
                gpu.setString(4, "nvidia" + g % 8);
                gpu.setString(5, "NVIDIA H100 80GB HBM3");
                gpu.setString(6, "");
                gpu.setString(7, metrics);
                gpu.setLong(8, startMicros);
                gpu.setLong(
                        9,
                        startMicros + RollupBenchmarkIT.DAYS * 24 * RollupBenchmarkIT.HOUR - RollupBenchmarkIT.MINUTE);
                gpu.addBatch();
            }
            gpu.executeBatch();
        }
        try (Connection connection = store.connect();
                PreparedStatement series = connection.prepareStatement(
                        "INSERT INTO telemetry_series (id, gpu_uuid, metric, workload_id) VALUES (?, ?, ?, 0)")) {
            for (int g = 0; g < gpus; g++) {
                for (int m = 0; m < RollupBenchmarkIT.METRICS; m++) {
                    series.setLong(1, seriesId(g, m));
                    series.setString(2, RollupBenchmarkIT.uuid(g));
                    series.setString(3, RollupBenchmarkIT.metric(m));
                    series.addBatch();
                }
            }
            series.executeBatch();
        }
    }

    private static long seriesId(int gpu, int metric) {
        return TelemetrySeries.idOf(
                RollupBenchmarkIT.uuid(gpu), RollupBenchmarkIT.metric(metric), TelemetrySeries.NO_WORKLOAD);
    }

    /** The series of a GPU's metrics, by metric. */
    private static long[] seriesIds(int gpu) {
        return IntStream.range(0, RollupBenchmarkIT.METRICS)
                .mapToLong(metric -> seriesId(gpu, metric))
                .toArray();
    }

    /**
     * The month a day at a time, into the running server's database, as history arrives late: each day's points in
     * bulk (COPY on PostgreSQL; on H2, which has none, JDBC batches) with the marks of the hours they make stale, in one
     * transaction, as the collectors store a late point; then the server's rollup job builds those hours' rollups and
     * packs their points into blocks before the next day comes, so that the raw table never holds more than a day.
     */
    static MonthLoad dayByDay(BenchmarkStore store, boolean h2, int gpus, long startMicros) throws Exception {
        long points = 0;
        long loadNanos = 0;
        long mergeNanos = 0;
        double rawBytesPerPoint = Double.NaN;
        long id = 1;
        try (Connection connection = store.connect()) {
            connection.setAutoCommit(false);
            for (int day = 0; day < RollupBenchmarkIT.DAYS; day++) {
                long loadStarted = System.nanoTime();
                long loaded = h2
                        ? insertDay(connection, gpus, startMicros, day, id)
                        : copyDay(connection, gpus, startMicros, day, id);
                id += loaded;
                points += loaded;
                try (PreparedStatement stale = connection.prepareStatement("INSERT INTO telemetry_rollup_stale"
                        + " (gpu_uuid, metric, workload_id, hour_us) VALUES (?, ?, 0, ?)")) {
                    for (int g = 0; g < gpus; g++) {
                        for (int m = 0; m < RollupBenchmarkIT.METRICS; m++) {
                            for (int hour = 0; hour < 24; hour++) {
                                stale.setString(1, RollupBenchmarkIT.uuid(g));
                                stale.setString(2, RollupBenchmarkIT.metric(m));
                                stale.setLong(3, startMicros + (day * 24L + hour) * RollupBenchmarkIT.HOUR);
                                stale.addBatch();
                            }
                        }
                    }
                    stale.executeBatch();
                }
                if (day == 0) {
                    // Before the commit: the server cannot have packed any yet.
                    try (Statement statement = connection.createStatement()) {
                        long bytes = store.bytes(statement, "telemetry_point");
                        rawBytesPerPoint = bytes < 0 ? Double.NaN : bytes / (double) loaded;
                    }
                }
                connection.commit();
                long mergeStarted = System.nanoTime();
                loadNanos += mergeStarted - loadStarted;
                while (count(connection, "telemetry_rollup_stale") > 0) {
                    Thread.sleep(200);
                }
                long merged = System.nanoTime() - mergeStarted;
                mergeNanos += merged;
                System.out.printf(
                        Locale.ROOT,
                        "day %d: %,d points loaded in %.1f s, rolled up and packed in %.1f s%n",
                        day + 1,
                        loaded,
                        (mergeStarted - loadStarted) / 1e9,
                        merged / 1e9);
                // All packed but the month's last hour, which closes an hour after its end (COMPACT_AFTER_SECONDS).
                long closed = Math.min(
                        startMicros + (day + 1) * 24 * RollupBenchmarkIT.HOUR,
                        startMicros + RollupBenchmarkIT.DAYS * 24 * RollupBenchmarkIT.HOUR - RollupBenchmarkIT.HOUR);
                assertThat(count(connection, "telemetry_point WHERE time_us < " + closed))
                        .as("raw points left once day %d is rolled up", day)
                        .isZero();
            }
        }
        return new MonthLoad(points, loadNanos / 1e9, mergeNanos / 1e9, rawBytesPerPoint);
    }

    private static long count(Connection connection, String rows) throws Exception {
        try (Statement statement = connection.createStatement();
                ResultSet counted = statement.executeQuery("SELECT COUNT(*) FROM " + rows)) {
            counted.next();
            long count = counted.getLong(1);
            connection.commit();
            return count;
        }
    }

    /** A day's points of every GPU by COPY, a GPU at a time. */
    private static long copyDay(Connection connection, int gpus, long startMicros, int day, long firstId)
            throws Exception {
        var copy = connection.unwrap(PGConnection.class).getCopyAPI();
        long id = firstId;
        for (int g = 0; g < gpus; g++) {
            long[] series = seriesIds(g);
            var rows = new StringBuilder();
            for (long minute = day * 1_440L; minute < (day + 1) * 1_440L; minute++) {
                for (int m = 0; m < RollupBenchmarkIT.METRICS; m++) {
                    rows.append(series[m])
                            .append(',')
                            .append(RollupBenchmarkIT.timeMicros(startMicros, g, m, minute))
                            .append(',')
                            .append(id++)
                            .append(',')
                            .append(RollupBenchmarkIT.value(g, m, minute))
                            .append('\n');
                }
            }
            copy.copyIn(
                    "COPY telemetry_point (series_id, time_us, id, metric_value) FROM STDIN WITH (FORMAT csv)",
                    new StringReader(rows.toString()));
        }
        return id - firstId;
    }

    /** A day's points of every GPU in JDBC batches, a GPU at a time. */
    private static long insertDay(Connection connection, int gpus, long startMicros, int day, long firstId)
            throws Exception {
        long id = firstId;
        try (PreparedStatement insert = connection.prepareStatement(
                "INSERT INTO telemetry_point" + " (series_id, time_us, id, metric_value) VALUES (?, ?, ?, ?)")) {
            for (int g = 0; g < gpus; g++) {
                long[] series = seriesIds(g);
                for (long minute = day * 1_440L; minute < (day + 1) * 1_440L; minute++) {
                    for (int m = 0; m < RollupBenchmarkIT.METRICS; m++) {
                        insert.setLong(1, series[m]);
                        insert.setLong(2, RollupBenchmarkIT.timeMicros(startMicros, g, m, minute));
                        insert.setLong(3, id++);
                        insert.setDouble(4, RollupBenchmarkIT.value(g, m, minute));
                        insert.addBatch();
                    }
                }
                insert.executeBatch();
            }
        }
        return id - firstId;
    }
}
