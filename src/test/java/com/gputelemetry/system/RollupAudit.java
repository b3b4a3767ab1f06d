package com.gputelemetry.system;

import com.gputelemetry.rollup.entity.PackedRollups;
import com.gputelemetry.rollup.entity.Rollup;
import com.gputelemetry.rollup.entity.RollupTier;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The rollups against the points they were built from (rows and blocks), read straight from the tables (unpacked
 * from their blocks, and any rows of an earlier version): every minute and hour of every
 * series before {@code built_us} holds exactly its points' count, sum, min, max, first and last value, and no rollup
 * stands for points that are not there. What a build killed half-way, or a late point counted twice, would break.
 */
record RollupAudit(long builtMicros, long staleHours, int minutes, int hours, List<String> differences) {

    private static final long MINUTE = 60_000_000L;
    private static final long HOUR = 3_600_000_000L;
    private static final int SHOWN = 20;

    static RollupAudit read(String jdbcUrl, String user, String password) throws SQLException {
        try (Connection connection = StoredPoints.snapshot(jdbcUrl, user, password);
                Statement statement = connection.createStatement()) {
            long built;
            try (ResultSet rs = statement.executeQuery("SELECT built_us FROM telemetry_rollup_progress")) {
                rs.next();
                built = rs.getLong(1);
            }
            long stale;
            try (ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM telemetry_rollup_stale")) {
                rs.next();
                stale = rs.getLong(1);
            }
            Map<String, double[]> minutes = new HashMap<>();
            Map<String, double[]> hours = new HashMap<>();
            List<StoredPoints.Point> points = new ArrayList<>();
            StoredPoints.forEach(connection, point -> {
                if (point.timeMicros() < built) {
                    points.add(point);
                }
            });
            // In time order (then id): a later point is the last, also at an equal time (as the rollups take it).
            points.sort(
                    Comparator.comparingLong(StoredPoints.Point::timeMicros).thenComparingLong(StoredPoints.Point::id));
            for (StoredPoints.Point point : points) {
                String series = point.gpu() + " " + point.metric() + " " + point.workload();
                long time = point.timeMicros();
                include(minutes, series + " @" + Math.floorDiv(time, MINUTE) * MINUTE, time, point.value());
                include(hours, series + " @" + Math.floorDiv(time, HOUR) * HOUR, time, point.value());
            }
            List<String> differences = new ArrayList<>();
            Map<String, double[]> storedMinutes = stored(statement, RollupTier.MINUTE, built, differences);
            Map<String, double[]> storedHours = stored(statement, RollupTier.HOUR, built, differences);
            compare("minute", minutes, storedMinutes, differences);
            compare("hour", hours, storedHours, differences);
            return new RollupAudit(
                    built,
                    stale,
                    minutes.size(),
                    hours.size(),
                    differences.subList(0, Math.min(SHOWN, differences.size())));
        }
    }

    /** count, sum, min, max, first time, first value, last time, last value */
    private static void include(Map<String, double[]> buckets, String key, long time, double value) {
        double[] bucket = buckets.get(key);
        if (bucket == null) {
            buckets.put(key, new double[] {1, value, value, value, time, value, time, value});
            return;
        }
        bucket[0]++;
        bucket[1] += value;
        bucket[2] = Math.min(bucket[2], value);
        bucket[3] = Math.max(bucket[3], value);
        // Read in time order: a later point is the last, also at an equal time (as the rollups take it).
        bucket[6] = time;
        bucket[7] = value;
    }

    private static void compare(
            String tier, Map<String, double[]> expected, Map<String, double[]> stored, List<String> differences) {
        TreeSet<String> missing = new TreeSet<>(expected.keySet());
        stored.forEach((key, rollup) -> {
            double[] want = expected.get(key);
            missing.remove(key);
            if (want == null) {
                differences.add(tier + " " + key + ": a rollup without points");
            } else if (want[0] != rollup[0]
                    || Math.abs(want[1] - rollup[1]) > 1e-6 * Math.max(1, Math.abs(want[1]))
                    || want[2] != rollup[2]
                    || want[3] != rollup[3]
                    || want[4] != rollup[4]
                    || want[5] != rollup[5]
                    || want[6] != rollup[6]
                    || want[7] != rollup[7]) {
                differences.add(
                        tier + " " + key + ": stored " + Arrays.toString(rollup) + ", points " + Arrays.toString(want));
            }
        });
        missing.forEach(key -> differences.add(tier + " " + key + ": points without their rollup"));
    }

    /**
     * A tier's rollups of buckets before {@code built}, by "GPU metric workload @bucket": unpacked from its blocks, and
     * any rows of an earlier version not packed yet.
     */
    private static Map<String, double[]> stored(
            Statement statement, RollupTier tier, long built, List<String> differences) throws SQLException {
        Map<String, double[]> stored = new HashMap<>();
        try (ResultSet rs = statement.executeQuery("SELECT s.gpu_uuid, s.metric, s.workload_id, b.series_id,"
                + " b.start_us, b.buckets FROM " + tier.blockTable() + " b JOIN telemetry_series s"
                + " ON s.id = b.series_id")) {
            while (rs.next()) {
                String series = rs.getString(1) + " " + rs.getString(2) + " " + rs.getLong(3);
                for (Rollup r : PackedRollups.unpack(tier, rs.getLong(4), rs.getLong(5), rs.getBytes(6))) {
                    if (r.bucketMicros() < built) {
                        put(
                                stored,
                                series + " @" + r.bucketMicros(),
                                new double[] {
                                    r.count(),
                                    r.sum(),
                                    r.min(),
                                    r.max(),
                                    r.firstMicros(),
                                    r.first(),
                                    r.lastMicros(),
                                    r.last()
                                },
                                differences);
                    }
                }
            }
        }
        try (ResultSet rs = statement.executeQuery("SELECT s.gpu_uuid, s.metric, s.workload_id, r.bucket_us,"
                + " r.point_count, r.value_sum, r.value_min, r.value_max, r.first_time_us, r.first_value,"
                + " r.last_time_us, r.last_value FROM " + tier.rowTable() + " r JOIN telemetry_series s"
                + " ON s.id = r.series_id WHERE r.bucket_us < " + built)) {
            while (rs.next()) {
                put(
                        stored,
                        rs.getString(1) + " " + rs.getString(2) + " " + rs.getLong(3) + " @" + rs.getLong(4),
                        new double[] {
                            rs.getLong(5),
                            rs.getDouble(6),
                            rs.getDouble(7),
                            rs.getDouble(8),
                            rs.getLong(9),
                            rs.getDouble(10),
                            rs.getLong(11),
                            rs.getDouble(12)
                        },
                        differences);
            }
        }
        return stored;
    }

    private static void put(Map<String, double[]> stored, String key, double[] rollup, List<String> differences) {
        if (stored.put(key, rollup) != null) {
            differences.add(key + ": stored twice");
        }
    }
}
