package com.gputelemetry.rollup.control;

import com.gputelemetry.rollup.entity.RollupProgress;
import com.gputelemetry.telemetry.entity.PackedPoints;
import com.gputelemetry.telemetry.entity.PointBlock;
import com.gputelemetry.telemetry.entity.TelemetrySeries;
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

    /** The start of the hour of the GPU's first point in [from, to), or {@code to}: an index probe per series. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public long firstHour(String gpu, long fromMicros, long toMicros) {
        String series = TelemetrySeries.idsOf(em, List.of(gpu));
        if (series.isEmpty()) {
            return toMicros;
        }
        Number time = (Number) em.createNativeQuery("SELECT MIN(time_us) FROM telemetry_point WHERE series_id IN ("
                        + series + ") AND time_us >= ?1 AND time_us < ?2")
                .setParameter(1, fromMicros)
                .setParameter(2, toMicros)
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
        int[] packed = {0};
        pack(gpu, fromMicros, toMicros).values().forEach(points -> packed[0] += points.rows());
        return packed[0];
    }

    /**
     * Packs a GPU's points of one hour, late points of a packed hour, into their blocks (made where a series has none
     * there yet) and deletes them, in the caller's transaction (which holds the progress row's lock).
     *
     * @return every point of that hour of each series that had points to pack, by series id
     */
    @TransactionAttribute(TransactionAttributeType.MANDATORY)
    public Map<Long, PackedPoints> mergeLate(String gpu, long hourMicros) {
        Map<Long, PackedPoints> merged = new HashMap<>();
        pack(gpu, hourMicros, hourMicros + PointBlock.MICROS)
                .forEach((key, points) -> merged.put(key.seriesId(), points.all()));
        return merged;
    }

    /** What {@link #pack} did to a block: the rows it packed, and all its points now. */
    private record Packed(int rows, PackedPoints all) {}

    /** Reads a GPU's rows in [from, to), merges them into their blocks, deletes them. */
    private Map<PointBlock.Key, Packed> pack(String gpu, long fromMicros, long toMicros) {
        String series = TelemetrySeries.idsOf(em, List.of(gpu));
        if (series.isEmpty()) {
            return Map.of();
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT series_id, id, time_us, metric_value, source_time_us"
                        + " FROM telemetry_point WHERE series_id IN (" + series + ") AND time_us >= ?1"
                        + " AND time_us < ?2 ORDER BY series_id, time_us, id")
                .setParameter(1, fromMicros)
                .setParameter(2, toMicros)
                .getResultList();
        if (rows.isEmpty()) {
            return Map.of();
        }
        Map<PointBlock.Key, PackedPoints> packs = new LinkedHashMap<>();
        Map<Long, List<long[]>> keys = new LinkedHashMap<>(); // of each series, its points' (time, id) in order
        for (Object[] row : rows) {
            long seriesId = ((Number) row[0]).longValue();
            long id = ((Number) row[1]).longValue();
            long time = ((Number) row[2]).longValue();
            packs.computeIfAbsent(new PointBlock.Key(seriesId, PointBlock.hourOf(time)), key -> PackedPoints.empty())
                    .add(id, time, ((Number) row[3]).doubleValue(), sourceTime(row[4]));
            keys.computeIfAbsent(seriesId, key -> new ArrayList<>()).add(new long[] {time, id});
        }
        Map<PointBlock.Key, PointBlock> stored = new HashMap<>();
        em.createQuery(
                        "SELECT b FROM PointBlock b WHERE b.seriesId IN :series AND b.hourMicros >= :from"
                                + " AND b.hourMicros < :to",
                        PointBlock.class)
                .setParameter("series", List.copyOf(keys.keySet()))
                .setParameter("from", PointBlock.hourOf(fromMicros))
                .setParameter("to", toMicros)
                .getResultList()
                .forEach(block -> stored.put(new PointBlock.Key(block.seriesId(), block.hourMicros()), block));
        Map<PointBlock.Key, Packed> packed = new HashMap<>();
        packs.forEach((key, points) -> {
            PointBlock block = stored.get(key);
            PackedPoints all = points;
            if (block == null) {
                em.persist(new PointBlock(key.seriesId(), key.hourMicros(), points));
            } else {
                all = block.points().merge(points);
                block.store(all);
            }
            packed.put(key, new Packed(points.size(), all));
        });
        keys.forEach(this::delete);
        em.find(RollupProgress.class, RollupProgress.ID).movedIntoBlocks();
        return packed;
    }

    /** Records that everything before the stretch's end is compacted, but late points. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void finish(Stretch stretch) {
        lockedProgress().compactedUpTo(stretch.toMicros());
    }

    /**
     * Deletes a series' points packed, by their keys in (time, id) order, a chunk's stretch of time at a time: a point
     * stored meanwhile in the same time stays, for the next step.
     */
    private void delete(long series, List<long[]> keys) {
        for (int from = 0; from < keys.size(); from += DELETE_CHUNK) {
            List<long[]> chunk = keys.subList(from, Math.min(keys.size(), from + DELETE_CHUNK));
            int deleted = em.createNativeQuery("DELETE FROM telemetry_point WHERE series_id = ?1 AND time_us >= ?2"
                            + " AND time_us <= ?3 AND id IN ("
                            + chunk.stream().map(key -> String.valueOf(key[1])).collect(Collectors.joining(","))
                            + ")")
                    .setParameter(1, series)
                    .setParameter(2, chunk.get(0)[0])
                    .setParameter(3, chunk.get(chunk.size() - 1)[0])
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
