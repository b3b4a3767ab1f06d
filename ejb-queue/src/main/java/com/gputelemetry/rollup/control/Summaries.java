package com.gputelemetry.rollup.control;

import com.gputelemetry.rollup.entity.HourRollup;
import com.gputelemetry.rollup.entity.MinuteRollup;
import com.gputelemetry.rollup.entity.RollupProgress;
import com.gputelemetry.telemetry.control.PointBlocks;
import com.gputelemetry.telemetry.entity.PackedPoints;
import com.gputelemetry.telemetry.entity.PointBlock;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
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
            PointBlocks.Bound bound = blocks.bound();
            List<Bucket> summary = read(uuid, metric, fromMicros, toMicros, stepMicros, bound);
            if (attempt == READS || blocks.bound().compactions() == bound.compactions()) {
                return summary;
            }
        }
    }

    private List<Bucket> read(
            String uuid, String metric, long fromMicros, long toMicros, long stepMicros, PointBlocks.Bound bound) {
        Map<Long, Partial> buckets = new TreeMap<>();
        Points points = new Points(uuid, metric, stepMicros, bound, buckets);
        long built = em.find(RollupProgress.class, RollupProgress.ID).builtMicros();
        long start = Math.floorDiv(fromMicros + MINUTE - 1, MINUTE) * MINUTE;
        long end = Math.min(Math.floorDiv(toMicros + 1, MINUTE) * MINUTE, built);
        if (stepMicros % MINUTE != 0 || start >= end || hasStaleHours(uuid, metric, fromMicros, end)) {
            points.read(fromMicros, toMicros + 1);
        } else {
            points.read(fromMicros, start);
            List<Long> series = seriesOf(uuid, metric);
            long hoursFrom = Math.floorDiv(start + HOUR - 1, HOUR) * HOUR;
            long hoursTo = Math.floorDiv(end, HOUR) * HOUR;
            if (stepMicros % HOUR == 0 && hoursFrom < hoursTo) {
                rollups("telemetry_rollup_1m", series, start, hoursFrom, stepMicros, buckets);
                rollups("telemetry_rollup_1h", series, hoursFrom, hoursTo, stepMicros, buckets);
                rollups("telemetry_rollup_1m", series, hoursTo, end, stepMicros, buckets);
            } else {
                rollups("telemetry_rollup_1m", series, start, end, stepMicros, buckets);
            }
            points.read(end, toMicros + 1);
        }
        return buckets.entrySet().stream()
                .map(bucket -> bucket.getValue().toBucket(bucket.getKey() * stepMicros))
                .toList();
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

    private boolean hasStaleHours(String uuid, String metric, long fromMicros, long toMicros) {
        Number stale = (Number) em.createNativeQuery("SELECT COUNT(*) FROM telemetry_rollup_stale"
                        + " WHERE gpu_uuid = ?1 AND metric = ?2 AND hour_us > ?3 AND hour_us < ?4")
                .setParameter(1, uuid)
                .setParameter(2, metric)
                .setParameter(3, fromMicros - HOUR)
                .setParameter(4, toMicros)
                .getSingleResult();
        return stale.longValue() > 0;
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
            String bucket = "(time_us / " + step + ")";
            add(
                    em.createNativeQuery("SELECT " + bucket + ", COUNT(*), SUM(metric_value), MIN(metric_value),"
                                    + " MAX(metric_value) FROM telemetry_point WHERE gpu_uuid = ?1 AND metric = ?2"
                                    + " AND time_us >= ?3 AND time_us < ?4 GROUP BY " + bucket)
                            .setParameter(1, uuid)
                            .setParameter(2, metric)
                            .setParameter(3, from)
                            .setParameter(4, to)
                            .getResultList(),
                    buckets);
            if (!bound.reaches(from)) {
                return;
            }
            for (PointBlock block :
                    blocks.blocks(seriesOf(uuid, metric), from, Math.min(to, bound.untilMicros()) - 1)) {
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
     * The rollups of a tier whose buckets start in [from, to), of these series. (The ids are looked up first and
     * listed: with a subquery in their place, H2 read the whole minute table instead of the key's range, 1.3 s for a
     * day.)
     */
    private void rollups(String table, List<Long> series, long from, long to, long step, Map<Long, Partial> buckets) {
        if (from >= to || series.isEmpty()) {
            return;
        }
        String bucket = "(bucket_us / " + step + ")";
        add(
                em.createNativeQuery("SELECT " + bucket + ", SUM(point_count), SUM(value_sum), MIN(value_min),"
                                + " MAX(value_max) FROM " + table + " WHERE series_id IN ("
                                + series.stream().map(String::valueOf).collect(Collectors.joining(", "))
                                + ") AND bucket_us >= ?1 AND bucket_us < ?2 GROUP BY " + bucket)
                        .setParameter(1, from)
                        .setParameter(2, to)
                        .getResultList(),
                buckets);
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
