package com.gputelemetry.telemetry.control;

import com.gputelemetry.rollup.entity.RollupTier;
import com.gputelemetry.telemetry.entity.PointBlock;
import com.gputelemetry.telemetry.entity.TelemetrySeries;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Deletes old telemetry points and rollups, a chunk of GPUs at a time, each step its own short transaction through the
 * keys' indexes ((GPU, time) for points not packed yet, (series, hour) for blocks, (series, bucket) for hour rollups):
 * never a long lock, never a scan of the whole table. Blocks go whole (a series' hour), once the whole hour is old
 * enough.
 */
@Stateless
public class TelemetryPurge {

    @PersistenceContext(unitName = "telemetry")
    EntityManager em;

    /** The GPUs that can have points from before then: those that reported first before it. */
    @TransactionAttribute(TransactionAttributeType.SUPPORTS)
    public List<String> gpusSeenBefore(long beforeMicros) {
        return em.createQuery(
                        "SELECT g.uuid FROM Gpu g WHERE g.firstSeenMicros < :before ORDER BY g.uuid", String.class)
                .setParameter("before", beforeMicros)
                .getResultList();
    }

    /**
     * Deletes up to {@code max} of the GPUs' points not packed yet from before then: their keys read, then deleted a
     * series' stretch of time at a time, so that each call reads only what it deletes however many are left.
     *
     * @return the points deleted: fewer than {@code max} when none older is left
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public int deleteOlder(List<String> gpus, long beforeMicros, int max) {
        String series = TelemetrySeries.idsOf(em, gpus);
        if (series.isEmpty()) {
            return 0;
        }
        @SuppressWarnings("unchecked")
        List<Object[]> keys = em.createNativeQuery("SELECT series_id, time_us, id FROM telemetry_point"
                        + " WHERE series_id IN (" + series + ") AND time_us < ?1")
                .setParameter(1, beforeMicros)
                .setMaxResults(max)
                .getResultList();
        Map<Long, List<Object[]>> bySeries =
                keys.stream().collect(Collectors.groupingBy(key -> ((Number) key[0]).longValue()));
        int deleted = 0;
        for (var one : bySeries.entrySet()) {
            LongSummaryStatistics times = one.getValue().stream()
                    .mapToLong(key -> ((Number) key[1]).longValue())
                    .summaryStatistics();
            deleted += em.createNativeQuery("DELETE FROM telemetry_point WHERE series_id = ?1 AND time_us >= ?2"
                            + " AND time_us <= ?3 AND id IN ("
                            + one.getValue().stream()
                                    .map(key -> String.valueOf(((Number) key[2]).longValue()))
                                    .collect(Collectors.joining(","))
                            + ")")
                    .setParameter(1, one.getKey())
                    .setParameter(2, times.getMin())
                    .setParameter(3, times.getMax())
                    .executeUpdate();
        }
        return deleted;
    }

    /**
     * Deletes the GPUs' blocks whose whole hour is before then, and the ends of their series (staleness markers) older
     * than that, with the points they ended.
     *
     * @return the points the blocks held
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public long deletePackedOlder(List<String> gpus, long beforeMicros) {
        em.createQuery("DELETE FROM SeriesEnd e WHERE e.gpuUuid IN :gpus AND e.timeMicros < :before")
                .setParameter("gpus", gpus)
                .setParameter("before", beforeMicros)
                .executeUpdate();
        String series = TelemetrySeries.idsOf(em, gpus);
        if (series.isEmpty()) {
            return 0;
        }
        String where = " FROM telemetry_block WHERE series_id IN (" + series + ") AND hour_us <= ?1";
        long lastHour = beforeMicros - PointBlock.MICROS;
        Number points = (Number) em.createNativeQuery("SELECT SUM(point_count)" + where)
                .setParameter(1, lastHour)
                .getSingleResult();
        em.createNativeQuery("DELETE" + where).setParameter(1, lastHour).executeUpdate();
        return points == null ? 0 : points.longValue();
    }

    /**
     * Deletes the GPUs' blocks of a tier of rollups whose whole time is before then, and the rows of the tier of an
     * earlier version not packed yet that are.
     *
     * @return the rows deleted
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public int deleteRollupsOlder(RollupTier tier, List<String> gpus, long beforeMicros) {
        String series = TelemetrySeries.idsOf(em, gpus);
        if (series.isEmpty()) {
            return 0;
        }
        return em.createNativeQuery("DELETE FROM " + tier.blockTable() + " WHERE series_id IN (" + series
                                + ") AND start_us <= ?1")
                        .setParameter(1, beforeMicros - tier.blockMicros())
                        .executeUpdate()
                + em.createNativeQuery("DELETE FROM " + tier.rowTable() + " WHERE series_id IN (" + series
                                + ") AND bucket_us < ?1")
                        .setParameter(1, beforeMicros)
                        .executeUpdate();
    }
}
