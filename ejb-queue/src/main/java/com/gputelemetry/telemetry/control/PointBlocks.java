package com.gputelemetry.telemetry.control;

import com.gputelemetry.telemetry.entity.PackedPoints;
import com.gputelemetry.telemetry.entity.PointBlock;
import com.gputelemetry.telemetry.entity.SeriesPosition;
import com.gputelemetry.telemetry.entity.TelemetryPoint;
import com.gputelemetry.telemetry.entity.TelemetrySeries;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Reads the blocks (closed hours of series, packed) for the readers of points, which see raw points and blocks as
 * one series: a point is in one or the other, and the compaction moves points from rows into a block in one
 * transaction. A reader of both reads the rows first, then the blocks: a point the compaction moved meanwhile is seen
 * twice (a reader with point ids drops the second), never not at all; a reader without ids (an aggregate) checks
 * {@link Bound#compactions()} before and after, and reads again when a compaction committed in between.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class PointBlocks {

    /** Series whose newest points one statement reads: a page of 100 GPUs' 10 metrics. */
    private static final int SERIES_PER_READ = 1_000;

    /** Blocks a page reads at once: an hour of a GPU's series, about. */
    private static final int BLOCKS_PER_READ = 32;

    @PersistenceContext(unitName = "telemetry")
    EntityManager em;

    /**
     * Where blocks may hold points, and how many compactions have committed.
     *
     * @param untilMicros no block holds a point at or after it
     */
    public record Bound(long untilMicros, long compactions) {

        /** Whether a block may hold a point at or after that time. */
        public boolean reaches(long fromMicros) {
            return fromMicros < untilMicros;
        }
    }

    /** A series as blocks name it: its id, metric, and workload (0 for none). */
    public record SeriesName(long id, String gpuUuid, String metric, long workloadId) {

        /** The workload as a point's row names it: none is null. */
        public Long workloadOrNull() {
            return workloadId == TelemetrySeries.NO_WORKLOAD ? null : workloadId;
        }
    }

    public Bound bound() {
        Object[] row =
                (Object[]) em.createNativeQuery("SELECT compacting_us, compactions FROM telemetry_rollup_progress")
                        .getSingleResult();
        return new Bound(((Number) row[0]).longValue(), ((Number) row[1]).longValue());
    }

    /**
     * The series of these GPUs.
     *
     * @param metrics only these; empty for all
     * @param workloadIds only of these workloads; null for all (a series without a workload too)
     * @return by id
     */
    public Map<Long, SeriesName> series(
            Collection<String> uuids, Collection<String> metrics, Collection<Long> workloadIds) {
        String jpql = "SELECT s.id, s.gpuUuid, s.metric, s.workloadId FROM TelemetrySeries s WHERE s.gpuUuid IN :gpus"
                + (metrics.isEmpty() ? "" : " AND s.metric IN :metrics")
                + (workloadIds == null ? "" : " AND s.workloadId IN :workloads");
        TypedQuery<Object[]> query = em.createQuery(jpql, Object[].class).setParameter("gpus", uuids);
        if (!metrics.isEmpty()) {
            query.setParameter("metrics", metrics);
        }
        if (workloadIds != null) {
            query.setParameter("workloads", workloadIds);
        }
        return query.getResultList().stream()
                .map(row -> new SeriesName(
                        ((Number) row[0]).longValue(), (String) row[1], (String) row[2], ((Number) row[3]).longValue()))
                .collect(Collectors.toMap(SeriesName::id, name -> name));
    }

    /**
     * The blocks of these series that may hold points in [from, to], by hour and then series in the direction asked,
     * strictly after the block {@code (afterHour, afterSeries)} in that order; at most {@code max}.
     */
    public List<PointBlock> blocks(
            Collection<Long> series,
            long fromMicros,
            long toMicros,
            boolean descending,
            long afterHour,
            long afterSeries,
            int max) {
        if (series.isEmpty()) {
            return List.of();
        }
        String beyond = descending
                ? "(b.hourMicros < :hour OR (b.hourMicros = :hour AND b.seriesId < :series))"
                : "(b.hourMicros > :hour OR (b.hourMicros = :hour AND b.seriesId > :series))";
        String direction = descending ? " DESC" : "";
        return em.createQuery(
                        "SELECT b FROM PointBlock b WHERE b.seriesId IN :ids AND b.hourMicros >= :firstHour"
                                + " AND b.hourMicros <= :to AND b.lastMicros >= :from AND " + beyond
                                + " ORDER BY b.hourMicros" + direction + ", b.seriesId" + direction,
                        PointBlock.class)
                .setParameter("ids", series)
                // (Not below the first whole hour a long holds: an open window starts at Long.MIN_VALUE.)
                .setParameter("firstHour", PointBlock.hourOf(Math.max(fromMicros, Long.MIN_VALUE + PointBlock.MICROS)))
                .setParameter("to", toMicros)
                .setParameter("from", fromMicros)
                .setParameter("hour", afterHour)
                .setParameter("series", afterSeries)
                .setMaxResults(max)
                .getResultList();
    }

    /**
     * A page of a GPU's series ({@link GpuCatalog#series}): the rows read for it, with the points of blocks of those
     * series in its window after its position, in its order; at most {@code limit}.
     */
    public List<TelemetryPoint> page(
            List<TelemetryPoint> rows,
            Bound bound,
            Map<Long, SeriesName> series,
            long fromMicros,
            long toMicros,
            SeriesPosition after,
            int limit) {
        boolean descending = after.descending();
        long from = descending ? fromMicros : Math.max(fromMicros, after.timeMicros());
        long to = Math.min(bound.untilMicros() - 1, descending ? Math.min(toMicros, after.timeMicros()) : toMicros);
        if (from > to) {
            return rows;
        }
        Comparator<TelemetryPoint> order =
                Comparator.comparingLong(TelemetryPoint::timeMicros).thenComparingLong(TelemetryPoint::id);
        if (descending) {
            order = order.reversed();
        }
        List<TelemetryPoint> packed = new ArrayList<>();
        long hour = descending ? Long.MAX_VALUE : Long.MIN_VALUE;
        long lastSeries = hour;
        List<PointBlock> blocks;
        do {
            blocks = blocks(series.keySet(), from, to, descending, hour, lastSeries, BLOCKS_PER_READ);
            for (PointBlock block : blocks) {
                String metric = series.get(block.seriesId()).metric();
                PackedPoints points = block.points();
                for (int i = 0; i < points.size(); i++) {
                    long time = points.timeMicros(i);
                    var point = new TelemetryPoint(points.id(i), metric, time, points.value(i));
                    if (time >= fromMicros && time <= toMicros && after.precedes(time, point.id())) {
                        packed.add(point);
                    }
                }
                hour = block.hourMicros();
                lastSeries = block.seriesId();
            }
            packed.sort(order);
            if (packed.size() >= limit) {
                // The blocks still to come hold points beyond the limit-th point in order: done.
                long limitTime = packed.get(limit - 1).timeMicros();
                if (descending ? hour + PointBlock.MICROS <= limitTime : hour > limitTime) {
                    break;
                }
            }
        } while (blocks.size() == BLOCKS_PER_READ);
        var merged = new TreeMap<TelemetryPoint, TelemetryPoint>(order);
        rows.forEach(point -> merged.put(point, point));
        packed.forEach(point -> merged.putIfAbsent(point, point));
        return merged.keySet().stream().limit(limit).toList();
    }

    /**
     * The points of some series ({@link GpuCatalog#points}): the rows read for them and the points of their blocks in
     * [from, to], by GPU, time and id; at most {@code limit}.
     */
    public List<Object[]> points(
            List<Object[]> rows, Bound bound, Map<Long, SeriesName> series, long fromMicros, long toMicros, int limit) {
        long to = Math.min(toMicros, bound.untilMicros() - 1);
        var merged = new TreeMap<Object[], Object[]>(Comparator.<Object[], String>comparing(row -> (String) row[0])
                .thenComparingLong(row -> (Long) row[1])
                .thenComparingLong(row -> (Long) row[4]));
        rows.forEach(row -> merged.put(row, row));
        if (fromMicros <= to) {
            for (PointBlock block : blocks(series.keySet(), fromMicros, to)) {
                SeriesName name = series.get(block.seriesId());
                Long workload = name.workloadOrNull();
                PackedPoints points = block.points();
                for (int i = 0; i < points.size(); i++) {
                    long time = points.timeMicros(i);
                    if (time >= fromMicros && time <= toMicros) {
                        Object[] row = {name.gpuUuid(), time, points.value(i), workload, points.id(i)};
                        merged.putIfAbsent(row, row);
                    }
                }
            }
        }
        return merged.keySet().stream().limit(limit).toList();
    }

    /**
     * The newest point of each of these series, from its rows or, when the blocks may hold a later one, its newest
     * block: a statement for the rows and one for the blocks however many series (up to {@link #SERIES_PER_READ} a
     * statement), each a UNION ALL of one-row reads down a series' key, which H2 and PostgreSQL both answer from the
     * index.
     *
     * @return by series id; a series without a point is absent
     */
    public Map<Long, TelemetryPoint> newest(Map<Long, SeriesName> series, Bound bound) {
        Map<Long, TelemetryPoint> newest = new HashMap<>();
        for (Object[] row : newestOfEach(
                series.keySet(),
                "id, time_us, metric_value FROM telemetry_point WHERE series_id = %d ORDER BY time_us DESC, id DESC")) {
            SeriesName name = series.get(((Number) row[0]).longValue());
            newest.put(
                    name.id(),
                    new TelemetryPoint(
                            ((Number) row[1]).longValue(),
                            name.gpuUuid(),
                            name.metric(),
                            ((Number) row[2]).longValue(),
                            ((Number) row[3]).doubleValue()));
        }
        List<Long> mayBePacked = series.keySet().stream()
                .filter(id ->
                        !newest.containsKey(id) || bound.reaches(newest.get(id).timeMicros()))
                .toList();
        for (Object[] row :
                newestOfEach(mayBePacked, "points FROM telemetry_block WHERE series_id = %d ORDER BY hour_us DESC")) {
            SeriesName name = series.get(((Number) row[0]).longValue());
            PackedPoints points = PackedPoints.unpack((byte[]) row[1]);
            int last = points.size() - 1;
            var packed = new TelemetryPoint(
                    points.id(last), name.gpuUuid(), name.metric(), points.timeMicros(last), points.value(last));
            newest.merge(name.id(), packed, PointBlocks::newer);
        }
        return newest;
    }

    /** Of two points of a series, the later (by time, then id). */
    public static TelemetryPoint newer(TelemetryPoint one, TelemetryPoint other) {
        return one.position(false).precedes(other.timeMicros(), other.id()) ? other : one;
    }

    /** The first row of each series' read ({@code columns FROM … WHERE series_id = %d ORDER BY …}), its id first. */
    private List<Object[]> newestOfEach(Collection<Long> series, String read) {
        List<Long> ids = List.copyOf(series);
        List<Object[]> rows = new ArrayList<>();
        for (int from = 0; from < ids.size(); from += SERIES_PER_READ) {
            String sql = ids.subList(from, Math.min(ids.size(), from + SERIES_PER_READ)).stream()
                    .map(id ->
                            "(SELECT series_id, " + String.format(Locale.ROOT, read, id) + " FETCH FIRST 1 ROWS ONLY)")
                    .collect(Collectors.joining(" UNION ALL "));
            @SuppressWarnings("unchecked")
            List<Object[]> found = em.createNativeQuery(sql).getResultList();
            rows.addAll(found);
        }
        return rows;
    }

    /** Every block of these series that may hold points in [from, to]. */
    public List<PointBlock> blocks(Collection<Long> series, long fromMicros, long toMicros) {
        return blocks(series, fromMicros, toMicros, false, Long.MIN_VALUE, Long.MIN_VALUE, Integer.MAX_VALUE);
    }
}
