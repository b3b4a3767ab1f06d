package com.gputelemetry.rollup.control;

import com.gputelemetry.collector.boundary.CollectorStartup;
import com.gputelemetry.queue.boundary.MessageQueue;
import com.gputelemetry.queue.control.ConsumedLog;
import com.gputelemetry.rollup.entity.HourRollup;
import com.gputelemetry.rollup.entity.MinuteRollup;
import com.gputelemetry.rollup.entity.Rollup;
import com.gputelemetry.rollup.entity.RollupBlock;
import com.gputelemetry.rollup.entity.RollupProgress;
import com.gputelemetry.rollup.entity.RollupTier;
import com.gputelemetry.telemetry.entity.PackedPoints;
import com.gputelemetry.telemetry.entity.PointBlock;
import com.gputelemetry.telemetry.entity.TelemetryRow;
import com.gputelemetry.telemetry.entity.TelemetrySeries;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Builds the rollups from the points, each step one transaction that also moves the progress on, so that a step
 * killed half-way left nothing and is done again whole. The progress row's lock keeps two servers off the same step.
 *
 * <p>Why {@code closed} runs ahead of {@code built}: a collector reads {@code closed} in its transaction and marks the
 * hours of points before it stale. A transaction that read the value before it moved may still commit a point before
 * the new value without marking it; the schedule waits until every such transaction has ended (the collectors'
 * committed offsets have passed where they stood when {@code closed} moved) before building up to it.
 */
@Stateless
public class RollupBuilder {

    /** The longest stretch of time one step builds: bounded work and heap per transaction. */
    static final long STEP_MICROS = HourRollup.MICROS;
    /** Marks of stale hours one step reads (and recomputes their hours). */
    static final int STALE_MARKS_PER_STEP = 1_000;

    private static final String TOPIC = TelemetryRow.TOPIC;

    /** GPUs named in one statement: far below every database's limit on bind parameters. */
    private static final int GPUS_PER_STATEMENT = 500;

    @PersistenceContext(unitName = "telemetry")
    EntityManager em;

    @EJB
    ConsumedLog log;

    @EJB
    MessageQueue queue;

    @EJB
    BlockCompactor compactor;

    @EJB
    RollupBlocks blocks;

    /** Where the collectors stand and where the log ends: when they have moved past, their transactions then ended. */
    public record CollectorProgress(long[] committed, long[] ends) {

        public boolean havePassed(CollectorProgress then) {
            for (int partition = 0; partition < then.committed.length; partition++) {
                boolean busy = then.committed[partition] < then.ends[partition];
                if (busy && committed[partition] <= then.committed[partition]) {
                    return false;
                }
            }
            return true;
        }
    }

    /**
     * Closes time up to {@code upTo}.
     *
     * @return time closed now
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public long close(long upTo) {
        RollupProgress progress = lockedProgress();
        progress.closeUpTo(upTo);
        return progress.closedMicros();
    }

    /** Where the collectors stand now. Read after {@link #close} committed. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public CollectorProgress collectors() {
        int partitions = queue.partitioner(TOPIC).partitions();
        long[] committed = log.positions(CollectorStartup.GROUP, TOPIC, partitions);
        return new CollectorProgress(committed, log.ends(TOPIC, partitions));
    }

    /**
     * One step: builds the rollups of the next stretch of time before {@code upTo} (at most an hour, never across the
     * start of an hour), then recomputes stale hours before what is built.
     *
     * @return whether more is left to do before {@code upTo}
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public boolean step(long upTo) {
        RollupProgress progress = lockedProgress();
        if (blocks.packRowsOfEarlierVersion(RollupTier.MINUTE) || blocks.packRowsOfEarlierVersion(RollupTier.HOUR)) {
            // All of them before anything is built: a minute recomputed meanwhile would be overwritten by its old row.
            return true;
        }
        if (!progress.hasStarted()) {
            // At the hour of the oldest GPU's first report: a database of an earlier version is rolled up too. Read
            // after the wait for the collectors, so that no point before it can be stored unmarked any more.
            Long oldest = em.createQuery("SELECT MIN(g.firstSeenMicros) FROM Gpu g", Long.class)
                    .getSingleResult();
            progress.startAt(
                    oldest == null ? progress.closedMicros() : Math.floorDiv(oldest, STEP_MICROS) * STEP_MICROS);
        }
        long from = progress.builtMicros();
        long limit = Math.min(upTo, progress.closedMicros());
        long to = Math.min(limit, Math.floorDiv(from, STEP_MICROS) * STEP_MICROS + STEP_MICROS);
        if (to > from) {
            List<String> gpus = gpusSeenBetween(from, to);
            if (!build(gpus, from, to)) {
                // Nothing stored here: on to the hour of the next point (history with gaps is crossed at once).
                to = Math.max(
                        to,
                        Math.min(
                                limit,
                                Math.floorDiv(nextPointTime(gpusSeenBetween(to, limit), to, limit), STEP_MICROS)
                                        * STEP_MICROS));
            }
            progress = em.find(RollupProgress.class, RollupProgress.ID); // build() cleared the persistence context
            progress.builtUpTo(to);
        }
        int stale = recomputeStale(progress.builtMicros(), progress.compactingMicros());
        return progress.builtMicros() < Math.min(upTo, progress.closedMicros()) || stale == STALE_MARKS_PER_STEP;
    }

    /**
     * The time from which the points must be kept for the rollups: what is not built yet, and the stale hours, are
     * built from them.
     */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public long pointsNeededFrom() {
        long built = em.find(RollupProgress.class, RollupProgress.ID).builtMicros();
        Number stale = (Number) em.createNativeQuery("SELECT MIN(hour_us) FROM telemetry_rollup_stale")
                .getSingleResult();
        return stale == null ? built : Math.min(built, stale.longValue());
    }

    private RollupProgress lockedProgress() {
        return em.find(RollupProgress.class, RollupProgress.ID, LockModeType.PESSIMISTIC_WRITE);
    }

    private List<String> gpusSeenBetween(long from, long to) {
        return em.createQuery(
                        "SELECT g.uuid FROM Gpu g WHERE g.firstSeenMicros < :to AND g.lastSeenMicros >= :from",
                        String.class)
                .setParameter("from", from)
                .setParameter("to", to)
                .getResultList();
    }

    /**
     * The earliest time of a point of these GPUs in [from, limit), or {@code limit}: one index probe per series, a
     * statement per {@value #GPUS_PER_STATEMENT} GPUs.
     */
    private long nextPointTime(List<String> gpus, long from, long limit) {
        long next = limit;
        for (int first = 0; first < gpus.size(); first += GPUS_PER_STATEMENT) {
            String series =
                    TelemetrySeries.idsOf(em, gpus.subList(first, Math.min(gpus.size(), first + GPUS_PER_STATEMENT)));
            if (series.isEmpty()) {
                continue;
            }
            Number time = (Number) em.createNativeQuery("SELECT MIN((SELECT MIN(p.time_us) FROM telemetry_point p"
                            + " WHERE p.series_id = s.id AND p.time_us >= ?1)) FROM telemetry_series s"
                            + " WHERE s.id IN (" + series + ")")
                    .setParameter(1, from)
                    .getSingleResult();
            if (time != null) {
                next = Math.min(next, time.longValue());
            }
        }
        return next;
    }

    /**
     * The GPUs' points in [from, to), one GPU at a time, into their minutes and into their hour so far.
     *
     * @return whether there were any
     */
    private boolean build(List<String> gpus, long from, long to) {
        boolean any = false;
        for (String gpu : gpus) {
            Map<Rollup.Key, MinuteRollup> minutes = minutes(TelemetrySeries.idsOf(em, List.of(gpu)), from, to);
            if (minutes.isEmpty()) {
                continue;
            }
            any = true;
            putWithTheirHours(minutes.values());
            // A GPU at a time in memory, however large the fleet: written now, forgotten by the context.
            em.flush();
            em.clear();
        }
        return any;
    }

    /**
     * Recomputes the oldest stale hours before {@code built} from the points (a compacted hour's late points merged into
     * its block first): each minute that has points gets their rollup afresh (a minute whose points retention deleted
     * keeps its rollup), then the hour is its minutes again.
     *
     * @return how many marks of stale hours it read
     */
    private int recomputeStale(long built, long compacting) {
        @SuppressWarnings("unchecked")
        List<Object[]> marks = em.createNativeQuery("SELECT id, gpu_uuid, metric, workload_id, hour_us"
                        + " FROM telemetry_rollup_stale WHERE hour_us < ?1 ORDER BY hour_us, id")
                .setParameter(1, built)
                .setMaxResults(STALE_MARKS_PER_STEP)
                .getResultList();
        // By GPU and hour: the series marked, and the marks read.
        Map<List<Object>, Map<List<Object>, List<Long>>> hours = new LinkedHashMap<>();
        for (Object[] mark : marks) {
            hours.computeIfAbsent(List.of(mark[1], ((Number) mark[4]).longValue()), key -> new LinkedHashMap<>())
                    .computeIfAbsent(List.of(mark[2], ((Number) mark[3]).longValue()), key -> new ArrayList<>())
                    .add(((Number) mark[0]).longValue());
        }
        for (var stale : hours.entrySet()) {
            String gpu = (String) stale.getKey().get(0);
            long hour = (Long) stale.getKey().get(1);
            recomputeHour(gpu, hour, Math.min(hour + HourRollup.MICROS, built), hour < compacting, stale.getValue());
            // The marks read, not the hour's: a mark committed after the points were read stays for the next step.
            em.createNativeQuery("DELETE FROM telemetry_rollup_stale WHERE id IN ("
                            + stale.getValue().values().stream()
                                    .flatMap(List::stream)
                                    .map(String::valueOf)
                                    .collect(Collectors.joining(","))
                            + ")")
                    .executeUpdate();
        }
        return marks.size();
    }

    /**
     * Recomputes the rollups of some series of a GPU in one hour (up to {@code end}): the minutes that have points
     * afresh, then the hour from its minutes. A packed hour's late points go into its blocks first, all of the GPU's
     * at once, and it is recomputed from there.
     *
     * @param series the series, as their metric and workload
     */
    private void recomputeHour(String gpu, long hour, long end, boolean packed, Map<List<Object>, ?> series) {
        Map<Long, PackedPoints> merged = packed ? compactor.mergeLate(gpu, hour) : Map.of();
        List<MinuteRollup> recomputed = new ArrayList<>();
        for (List<Object> name : series.keySet()) {
            String metric = (String) name.get(0);
            long workload = (Long) name.get(1);
            long id = TelemetrySeries.idOf(gpu, metric, workload);
            if (!packed) {
                recomputed.addAll(minutes(Long.toString(id), hour, end).values());
                continue;
            }
            PackedPoints points = merged.get(id);
            if (points == null) {
                // Nothing of this series to pack (a step before packed it): its block as it is.
                PointBlock block = em.find(PointBlock.class, new PointBlock.Key(id, hour));
                points = block == null ? PackedPoints.empty() : block.points();
            }
            recomputed.addAll(minutes(id, points, end));
        }
        if (!recomputed.isEmpty()) {
            putWithTheirHours(recomputed);
        }
    }

    /** Puts minutes into their blocks, and their hours, each made again from all its minutes, into theirs. */
    private void putWithTheirHours(Collection<MinuteRollup> minutes) {
        List<Rollup> hours = new ArrayList<>();
        for (RollupBlock block : blocks.put(RollupTier.MINUTE, minutes)) {
            List<Rollup> ofHour = block.rollups();
            HourRollup hour = new HourRollup(ofHour.get(0));
            ofHour.subList(1, ofHour.size()).forEach(hour::include);
            hours.add(hour);
        }
        blocks.put(RollupTier.HOUR, hours);
    }

    /** The minutes of a series' points before {@code end}, in (time, id) order: first and last as the database's. */
    private static Collection<MinuteRollup> minutes(long series, PackedPoints points, long end) {
        Map<Long, MinuteRollup> minutes = new HashMap<>();
        for (int i = 0; i < points.size() && points.timeMicros(i) < end; i++) {
            long time = points.timeMicros(i);
            MinuteRollup minute = minutes.get(Math.floorDiv(time, MinuteRollup.MICROS));
            if (minute == null) {
                minutes.put(Math.floorDiv(time, MinuteRollup.MICROS), new MinuteRollup(series, time, points.value(i)));
            } else {
                minute.include(time, points.value(i));
            }
        }
        return minutes.values();
    }

    /**
     * The points of some series in [from, to) as minute rollups, aggregated by the database: a row a series and minute
     * comes back, however many points it holds.
     *
     * @param series the series' ids, listed for an IN (none: empty)
     */
    private Map<Rollup.Key, MinuteRollup> minutes(String series, long from, long to) {
        Map<Rollup.Key, MinuteRollup> minutes = new HashMap<>();
        if (series.isEmpty()) {
            return minutes;
        }
        String minuteOf = "time_us / " + MinuteRollup.MICROS;
        String partition = "series_id, " + minuteOf;
        // First and last by (time, id): of points at one time, the one stored first is the first, the last the last.
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT s, m, COUNT(*), SUM(v), MIN(v), MAX(v), MIN(t), MIN(fv),"
                        + " MAX(t), MIN(lv) FROM (SELECT series_id AS s, " + minuteOf + " AS m, time_us AS t,"
                        + " metric_value AS v, FIRST_VALUE(metric_value) OVER (PARTITION BY " + partition
                        + " ORDER BY time_us, id) AS fv, FIRST_VALUE(metric_value) OVER (PARTITION BY " + partition
                        + " ORDER BY time_us DESC, id DESC) AS lv FROM telemetry_point WHERE series_id IN (" + series
                        + ") AND time_us >= ?1 AND time_us < ?2) x GROUP BY s, m")
                .setParameter(1, from)
                .setParameter(2, to)
                .getResultList();
        for (Object[] row : rows) {
            long id = ((Number) row[0]).longValue();
            long minute = ((Number) row[1]).longValue() * MinuteRollup.MICROS;
            minutes.put(new Rollup.Key(id, minute), new MinuteRollup(id, minute, Rollup.Aggregate.of(row, 2)));
        }
        return minutes;
    }
}
