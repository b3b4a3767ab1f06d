package com.gputelemetry.rollup.control;

import com.gputelemetry.rollup.entity.RollupProgress;
import com.gputelemetry.rollup.entity.TelemetrySeries;
import com.gputelemetry.telemetry.entity.PackedPoints;
import com.gputelemetry.telemetry.entity.PointBlock;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Packs the points of closed hours into blocks, a series and hour each ({@link PointBlock}): each step one GPU's
 * points of a few hours, read, written into their blocks (merged into a block already there) and deleted in one
 * transaction under the progress row's lock, so that a step killed half-way left nothing and no two servers compact
 * at once. Only time the rollups are built for is compacted: a point stored there later is late, its hour marked
 * stale, and the rollups' recomputation of that hour merges it into its block ({@link #mergeLate}).
 */
@Stateless
public class BlockCompactor {

    /** Hours of one GPU that one step packs: bounded heap and lock time per transaction. */
    public static final long HOURS_PER_STEP = 6;

    /** Ids listed in one DELETE. */
    private static final int DELETE_CHUNK = 500;

    @PersistenceContext(unitName = "telemetry")
    EntityManager em;

    /** Time to compact: [from, to), whole hours. */
    public record Stretch(long fromMicros, long toMicros) {

        public boolean isEmpty() {
            return fromMicros >= toMicros;
        }
    }

    /**
     * Starts compacting up to the hour of {@code upTo} (at most the rollups' built time): from then on, reads of time
     * before it look at the blocks too.
     *
     * @return what is left to compact: from where the last compaction finished (the oldest GPU's first hour at first)
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public Stretch begin(long upToMicros) {
        RollupProgress progress = lockedProgress();
        long from = progress.compactUpTo(PointBlock.hourOf(upToMicros));
        if (from == 0) {
            Long oldest = em.createQuery("SELECT MIN(g.firstSeenMicros) FROM Gpu g", Long.class)
                    .getSingleResult();
            from = oldest == null ? progress.compactingMicros() : PointBlock.hourOf(oldest);
        }
        return new Stretch(from, progress.compactingMicros());
    }

    /** The GPUs that may have points in the stretch. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<String> gpus(Stretch stretch) {
        return em.createQuery(
                        "SELECT g.uuid FROM Gpu g WHERE g.firstSeenMicros < :to AND g.lastSeenMicros >= :from"
                                + " ORDER BY g.uuid",
                        String.class)
                .setParameter("from", stretch.fromMicros())
                .setParameter("to", stretch.toMicros())
                .getResultList();
    }

    /** The start of the hour of the GPU's first point in [from, to), or {@code to}: one index probe. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public long firstHour(String gpu, long fromMicros, long toMicros) {
        Number time = (Number) em.createNativeQuery(
                        "SELECT MIN(time_us) FROM telemetry_point WHERE gpu_uuid = ?1 AND time_us >= ?2 AND time_us < ?3")
                .setParameter(1, gpu)
                .setParameter(2, fromMicros)
                .setParameter(3, toMicros)
                .getSingleResult();
        return time == null ? toMicros : Math.max(fromMicros, PointBlock.hourOf(time.longValue()));
    }

    /**
     * Packs a GPU's points in [from, to) into their blocks and deletes them, in one transaction.
     *
     * @return the points packed
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public int compact(String gpu, long fromMicros, long toMicros) {
        RollupProgress progress = lockedProgress();
        if (toMicros > progress.compactingMicros()) {
            throw new IllegalArgumentException(
                    "compacting up to " + toMicros + ", beyond " + progress.compactingMicros());
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT id, metric, COALESCE(workload_id, 0), time_us, metric_value,"
                        + " source_time_us FROM telemetry_point WHERE gpu_uuid = ?1 AND time_us >= ?2 AND time_us < ?3"
                        + " ORDER BY time_us, id")
                .setParameter(1, gpu)
                .setParameter(2, fromMicros)
                .setParameter(3, toMicros)
                .getResultList();
        if (rows.isEmpty()) {
            return 0;
        }
        Map<PointBlock.Key, PackedPoints> packs = new LinkedHashMap<>();
        Map<Long, TelemetrySeries> series = new HashMap<>();
        List<Long> ids = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            String metric = (String) row[1];
            long workload = ((Number) row[2]).longValue();
            long seriesId = TelemetrySeries.idOf(gpu, metric, workload);
            series.computeIfAbsent(seriesId, id -> new TelemetrySeries(gpu, metric, workload));
            long time = ((Number) row[3]).longValue();
            long id = ((Number) row[0]).longValue();
            packs.computeIfAbsent(new PointBlock.Key(seriesId, PointBlock.hourOf(time)), key -> PackedPoints.empty())
                    .add(id, time, ((Number) row[4]).doubleValue(), sourceTime(row[5]));
            ids.add(id);
        }
        TelemetrySeries.registerMissing(em, series.values());
        Map<PointBlock.Key, PointBlock> stored = new HashMap<>();
        em.createQuery(
                        "SELECT b FROM PointBlock b WHERE b.seriesId IN :series AND b.hourMicros >= :from"
                                + " AND b.hourMicros < :to",
                        PointBlock.class)
                .setParameter("series", List.copyOf(series.keySet()))
                .setParameter("from", fromMicros)
                .setParameter("to", toMicros)
                .getResultList()
                .forEach(block -> stored.put(new PointBlock.Key(block.seriesId(), block.hourMicros()), block));
        packs.forEach((key, points) -> {
            PointBlock block = stored.get(key);
            if (block == null) {
                em.persist(new PointBlock(key.seriesId(), key.hourMicros(), points));
            } else {
                block.store(block.points().merge(points));
            }
        });
        delete(ids);
        progress.movedIntoBlocks();
        return rows.size();
    }

    /** Records that everything before the stretch's end is compacted, but late points. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void finish(Stretch stretch) {
        lockedProgress().compactedUpTo(stretch.toMicros());
    }

    /**
     * Merges a series' points of one hour into the hour's block and deletes them, in the caller's transaction (which
     * holds the progress row's lock).
     *
     * @return every point of the series in that hour
     */
    @TransactionAttribute(TransactionAttributeType.MANDATORY)
    public PackedPoints mergeLate(PointBlock block, String gpu, String metric, long workload) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT id, time_us, metric_value, source_time_us FROM"
                        + " telemetry_point WHERE gpu_uuid = ?1 AND metric = ?2 AND "
                        + (workload == TelemetrySeries.NO_WORKLOAD
                                ? "(workload_id IS NULL OR workload_id = ?3)"
                                : "workload_id = ?3")
                        + " AND time_us >= ?4 AND time_us < ?5 ORDER BY time_us, id")
                .setParameter(1, gpu)
                .setParameter(2, metric)
                .setParameter(3, workload)
                .setParameter(4, block.hourMicros())
                .setParameter(5, block.hourMicros() + PointBlock.MICROS)
                .getResultList();
        PackedPoints points = block.points();
        if (rows.isEmpty()) {
            return points;
        }
        PackedPoints late = PackedPoints.empty();
        List<Long> ids = new ArrayList<>(rows.size());
        for (Object[] row : rows) {
            long id = ((Number) row[0]).longValue();
            late.add(id, ((Number) row[1]).longValue(), ((Number) row[2]).doubleValue(), sourceTime(row[3]));
            ids.add(id);
        }
        PackedPoints merged = points.merge(late);
        block.store(merged);
        delete(ids);
        em.find(RollupProgress.class, RollupProgress.ID).movedIntoBlocks();
        return merged;
    }

    /** Deletes the points packed, by id: a point stored meanwhile in the same time stays, for the next step. */
    private void delete(List<Long> ids) {
        for (int from = 0; from < ids.size(); from += DELETE_CHUNK) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + DELETE_CHUNK));
            int deleted = em.createNativeQuery("DELETE FROM telemetry_point WHERE id IN ("
                            + chunk.stream().map(String::valueOf).collect(Collectors.joining(",")) + ")")
                    .executeUpdate();
            if (deleted != chunk.size()) {
                // Retention deleted some meanwhile: roll back, the next step packs what is left.
                throw new IllegalStateException(
                        "compaction: " + (chunk.size() - deleted) + " points gone while they were packed");
            }
        }
    }

    private static long sourceTime(Object column) {
        return column == null ? PackedPoints.NO_SOURCE_TIME : ((Number) column).longValue();
    }

    private RollupProgress lockedProgress() {
        return em.find(RollupProgress.class, RollupProgress.ID, LockModeType.PESSIMISTIC_WRITE);
    }
}
