package com.gputelemetry.rollup.control;

import com.gputelemetry.rollup.entity.HourRollup;
import com.gputelemetry.rollup.entity.MinuteRollup;
import com.gputelemetry.rollup.entity.PackedRollups;
import com.gputelemetry.rollup.entity.Rollup;
import com.gputelemetry.rollup.entity.RollupProgress;
import com.gputelemetry.rollup.entity.RollupTier;
import com.gputelemetry.telemetry.control.PointBlocks;
import com.gputelemetry.telemetry.entity.PackedPoints;
import com.gputelemetry.telemetry.entity.PointBlock;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A series' summary per time bucket, read from the rollups where they are built and from the points elsewhere: the
 * minutes of the window that are whole and built come from the minute rollups (whole hours from the hour rollups when
 * the step is a multiple of an hour), its ragged edges and what is not built yet from the points. A series with a
 * stale hour in the window is read from its points until that hour is recomputed. The points are the rows and the
 * blocks ({@link PointBlocks}). The answer is the points'.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class Summaries {

    private static final long MINUTE = MinuteRollup.MICROS;
    private static final long HOUR = HourRollup.MICROS;

    /** How often a summary is read at most while compactions commit under it; the last read is answered. */
    private static final int READS = 5;

    @PersistenceContext(unitName = "telemetry")
    EntityManager em;

    @EJB
    PointBlocks blocks;

    /** One bucket of a summary: the points of one metric whose time falls in [start, start + step). */
    public record Bucket(long startMicros, double min, double max, double avg, long count) {}

    /** How far the rollups are built, how many stale hours wait to be recomputed, and how far points are packed. */
    public record Status(long builtMicros, long closedMicros, long staleHours, long compactedMicros) {}

    /**
     * Min, max, average and count of one metric of a GPU (all its workloads) per bucket in [from, to] (both
     * inclusive); buckets start at whole multiples of the step since the epoch, and buckets without points are left
     * out.
     */
    public List<Bucket> of(String uuid, String metric, long fromMicros, long toMicros, long stepMicros) {
        // Read again when a compaction moved points into blocks meanwhile: such a point may have been counted twice.
        for (int attempt = 1; ; attempt++) {
            Window window = window(uuid, metric, fromMicros, toMicros);
            Map<Long, Partial> buckets = new TreeMap<>();
            boolean readBlocks = read(uuid, metric, window, stepMicros, buckets);
            if (!readBlocks || attempt == READS || blocks.bound().compactions() == window.bound.compactions()) {
                return buckets.entrySet().stream()
                        .map(bucket -> bucket.getValue().toBucket(bucket.getKey() * stepMicros))
                        .toList();
            }
        }
    }

    /**
     * What a summary reads, found in one query: the window, its whole minutes [start, end) up to what is built,
     * whether the series has a stale hour there, and how far the blocks reach.
     */
    private record Window(
            long fromMicros, long toMicros, long start, long end, boolean stale, PointBlocks.Bound bound) {}

    private Window window(String uuid, String metric, long fromMicros, long toMicros) {
        long start = Math.floorDiv(fromMicros + MINUTE - 1, MINUTE) * MINUTE;
        long wholeEnd = Math.floorDiv(toMicros + 1, MINUTE) * MINUTE;
        Object[] row = (Object[]) em.createNativeQuery("SELECT p.built_us, p.compacting_us, p.compactions,"
                        + " (SELECT COUNT(*) FROM telemetry_rollup_stale s WHERE s.gpu_uuid = ?1 AND s.metric = ?2"
                        + " AND s.hour_us > ?3 AND s.hour_us < ?4 AND s.hour_us < p.built_us)"
                        + " FROM telemetry_rollup_progress p")
                .setParameter(1, uuid)
                .setParameter(2, metric)
                .setParameter(3, fromMicros - HOUR)
                .setParameter(4, wholeEnd)
                .getSingleResult();
        return new Window(
                fromMicros,
                toMicros,
                start,
                Math.min(wholeEnd, ((Number) row[0]).longValue()),
                ((Number) row[3]).longValue() > 0,
                new PointBlocks.Bound(((Number) row[1]).longValue(), ((Number) row[2]).longValue()));
    }

    /** @return whether it read blocks */
    private boolean read(String uuid, String metric, Window window, long stepMicros, Map<Long, Partial> buckets) {
        Points points = new Points(uuid, metric, stepMicros, window.bound, buckets);
        long start = window.start;
        long end = window.end;
        if (stepMicros % MINUTE != 0 || start >= end || window.stale) {
            points.read(window.fromMicros, window.toMicros + 1);
        } else {
            points.read(window.fromMicros, start);
            List<Long> series = seriesOf(uuid, metric);
            long hoursFrom = Math.floorDiv(start + HOUR - 1, HOUR) * HOUR;
            long hoursTo = Math.floorDiv(end, HOUR) * HOUR;
            if (stepMicros % HOUR == 0 && hoursFrom < hoursTo) {
                rollups(series, stepMicros, buckets, start, hoursFrom, hoursFrom, hoursTo, hoursTo, end);
            } else {
                rollups(series, stepMicros, buckets, start, end);
            }
            points.read(end, window.toMicros + 1);
        }
        return points.readBlocks;
    }

    public Status status() {
        RollupProgress progress = em.find(RollupProgress.class, RollupProgress.ID);
        Number stale = (Number)
                em.createNativeQuery("SELECT COUNT(*) FROM (SELECT DISTINCT gpu_uuid, metric, workload_id, hour_us"
                                + " FROM telemetry_rollup_stale) s")
                        .getSingleResult();
        return new Status(
                progress.builtMicros(), progress.closedMicros(), stale.longValue(), progress.compactedMicros());
    }

    // The step is a number the boundary parsed, written into the SQL so that SELECT and GROUP BY are the same
    // expression on every database.

    /** One metric's points of a GPU, rows and blocks, into the buckets of a summary. */
    private final class Points {
        private final String uuid;
        private final String metric;
        private final long step;
        private final PointBlocks.Bound bound;
        private final Map<Long, Partial> buckets;
        private boolean readBlocks;

        Points(String uuid, String metric, long step, PointBlocks.Bound bound, Map<Long, Partial> buckets) {
            this.uuid = uuid;
            this.metric = metric;
            this.step = step;
            this.bound = bound;
            this.buckets = buckets;
        }

        /** The points in [from, to). */
        void read(long from, long to) {
            if (from >= to) {
                return;
            }
            List<Long> series = seriesOf(uuid, metric);
            if (series.isEmpty()) {
                return;
            }
            String bucket = "(time_us / " + step + ")";
            add(
                    em.createNativeQuery("SELECT " + bucket + ", COUNT(*), SUM(metric_value), MIN(metric_value),"
                                    + " MAX(metric_value) FROM telemetry_point WHERE series_id IN ("
                                    + series.stream().map(String::valueOf).collect(Collectors.joining(","))
                                    + ") AND time_us >= ?1 AND time_us < ?2 GROUP BY " + bucket)
                            .setParameter(1, from)
                            .setParameter(2, to)
                            .getResultList(),
                    buckets);
            if (!bound.reaches(from)) {
                return;
            }
            readBlocks = true;
            for (PointBlock block : blocks.blocks(series, from, Math.min(to, bound.untilMicros()) - 1)) {
                PackedPoints points = block.points();
                for (int i = 0; i < points.size(); i++) {
                    long time = points.timeMicros(i);
                    if (time >= from && time < to) {
                        double value = points.value(i);
                        // As the database divides: toward zero.
                        buckets.merge(time / step, new Partial(1, value, value, value), Partial::plus);
                    }
                }
            }
        }
    }

    /** The ids of a GPU's series of one metric, one per workload it served. */
    private List<Long> seriesOf(String uuid, String metric) {
        return em.createQuery(
                        "SELECT s.id FROM TelemetrySeries s WHERE s.gpuUuid = :gpu AND s.metric = :metric", Long.class)
                .setParameter("gpu", uuid)
                .setParameter("metric", metric)
                .getResultList();
    }

    /**
     * The rollups of these series whose buckets start in the stretches given as pairs [from, to), in one query: the
     * stretches alternate between the minute and the hour tier, minutes first. Each tier's blocks of the stretch come
     * back whole and are unpacked here; rows of an earlier version not packed yet are aggregated by the database. (The
     * ids are looked up first and listed: with a subquery in their place, H2 read the whole minute table instead of
     * the key's range, 1.3 s for a day.)
     */
    private void rollups(List<Long> series, long step, Map<Long, Partial> buckets, long... stretches) {
        if (series.isEmpty()) {
            return;
        }
        String ids = series.stream().map(String::valueOf).collect(Collectors.joining(", "));
        String bucket = "(bucket_us / " + step + ")";
        List<String> selects = new ArrayList<>();
        List<Long> bounds = new ArrayList<>();
        for (int i = 0; i < stretches.length; i += 2) {
            if (stretches[i] >= stretches[i + 1]) {
                continue;
            }
            RollupTier tier = i % 4 == 0 ? RollupTier.MINUTE : RollupTier.HOUR;
            selects.add("SELECT 0, " + bucket + ", SUM(point_count), SUM(value_sum), MIN(value_min), MAX(value_max),"
                    + " CAST(NULL AS BYTEA) FROM " + tier.rowTable() + " WHERE series_id IN (" + ids
                    + ") AND bucket_us >= ?" + (bounds.size() + 1) + " AND bucket_us < ?" + (bounds.size() + 2)
                    + " GROUP BY " + bucket);
            bounds.add(stretches[i]);
            bounds.add(stretches[i + 1]);
            // The blocks the stretch touches; which stretch, told by the first column.
            selects.add("SELECT " + (i + 1) + ", start_us, CAST(0 AS BIGINT), CAST(0 AS DOUBLE PRECISION),"
                    + " CAST(0 AS DOUBLE PRECISION), CAST(0 AS DOUBLE PRECISION), buckets FROM " + tier.blockTable()
                    + " WHERE series_id IN (" + ids + ") AND start_us > ?" + (bounds.size() + 1) + " AND start_us < ?"
                    + (bounds.size() + 2));
            bounds.add(stretches[i] - tier.blockMicros());
            bounds.add(stretches[i + 1]);
        }
        if (selects.isEmpty()) {
            return;
        }
        var query = em.createNativeQuery(String.join(" UNION ALL ", selects));
        for (int i = 0; i < bounds.size(); i++) {
            query.setParameter(i + 1, bounds.get(i));
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = query.getResultList();
        List<Object[]> aggregated = new ArrayList<>();
        for (Object[] row : rows) {
            int stretch = ((Number) row[0]).intValue();
            if (stretch == 0) {
                aggregated.add(Arrays.copyOfRange(row, 1, row.length));
                continue;
            }
            long from = stretches[stretch - 1];
            long to = stretches[stretch];
            RollupTier tier = (stretch - 1) % 4 == 0 ? RollupTier.MINUTE : RollupTier.HOUR;
            for (Rollup rollup : PackedRollups.unpack(tier, 0, ((Number) row[1]).longValue(), (byte[]) row[6])) {
                if (rollup.bucketMicros() >= from && rollup.bucketMicros() < to) {
                    // As the database divides: toward zero.
                    buckets.merge(
                            rollup.bucketMicros() / step,
                            new Partial(rollup.count(), rollup.sum(), rollup.min(), rollup.max()),
                            Partial::plus);
                }
            }
        }
        add(aggregated, buckets);
    }

    @SuppressWarnings("unchecked")
    private static void add(List<?> rows, Map<Long, Partial> buckets) {
        for (Object[] row : (List<Object[]>) rows) {
            Partial partial = new Partial(
                    ((Number) row[1]).longValue(),
                    ((Number) row[2]).doubleValue(),
                    ((Number) row[3]).doubleValue(),
                    ((Number) row[4]).doubleValue());
            buckets.merge(((Number) row[0]).longValue(), partial, Partial::plus);
        }
    }

    /** Part of a bucket's points: from the points, or from rollups. */
    private record Partial(long count, double sum, double min, double max) {

        Partial plus(Partial other) {
            return new Partial(
                    count + other.count, sum + other.sum, Math.min(min, other.min), Math.max(max, other.max));
        }

        Bucket toBucket(long startMicros) {
            return new Bucket(startMicros, min, max, sum / count, count);
        }
    }
}
