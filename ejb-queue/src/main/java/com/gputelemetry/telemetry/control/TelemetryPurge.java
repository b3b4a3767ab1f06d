package com.gputelemetry.telemetry.control;

import com.gputelemetry.telemetry.entity.PointBlock;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Deletes old telemetry points a bounded chunk at a time, each chunk its own short transaction, one GPU at a time
 * through the index on (GPU, time): never a long lock, never a scan of the whole table. Points packed into blocks go
 * by whole blocks (a series' hour), once the whole hour is old enough.
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

    /** Deletes the ends of series (staleness markers) older than that, with the points they ended. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public int deleteEndsOlder(String uuid, long beforeMicros) {
        return em.createQuery("DELETE FROM SeriesEnd e WHERE e.gpuUuid = :gpu AND e.timeMicros < :before")
                .setParameter("gpu", uuid)
                .setParameter("before", beforeMicros)
                .executeUpdate();
    }

    /** @return the points deleted: fewer than {@code max} when none older is left */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public int deleteOlder(String uuid, long beforeMicros, int max) {
        return em.createNativeQuery("DELETE FROM telemetry_point WHERE id IN (SELECT id FROM telemetry_point"
                        + " WHERE gpu_uuid = ?1 AND time_us < ?2 ORDER BY time_us LIMIT ?3)")
                .setParameter(1, uuid)
                .setParameter(2, beforeMicros)
                .setParameter(3, max)
                .executeUpdate();
    }

    /**
     * Deletes a GPU's blocks whose whole hour is before then, through their key (series, hour).
     *
     * @return the points they held
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public long deleteBlocksOlder(String uuid, long beforeMicros) {
        String series = seriesOf(uuid);
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

    /** Deletes a GPU's hour rollups older than that, through their key (series, bucket). */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public int deleteHourRollupsOlder(String uuid, long beforeMicros) {
        String series = seriesOf(uuid);
        if (series.isEmpty()) {
            return 0;
        }
        return em.createNativeQuery(
                        "DELETE FROM telemetry_rollup_1h WHERE series_id IN (" + series + ") AND bucket_us < ?1")
                .setParameter(1, beforeMicros)
                .executeUpdate();
    }

    /**
     * Deletes a GPU's blocks of minute rollups whose whole hour is before then, and the rows of minute rollups of an
     * earlier version not packed yet that are, through their keys.
     *
     * @return the rows deleted
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public int deleteMinuteRollupsOlder(String uuid, long beforeMicros) {
        String series = seriesOf(uuid);
        if (series.isEmpty()) {
            return 0;
        }
        return em.createNativeQuery("DELETE FROM telemetry_rollup_1m_block WHERE series_id IN (" + series
                                + ") AND hour_us <= ?1")
                        .setParameter(1, beforeMicros - PointBlock.MICROS)
                        .executeUpdate()
                + em.createNativeQuery("DELETE FROM telemetry_rollup_1m WHERE series_id IN (" + series
                                + ") AND bucket_us < ?1")
                        .setParameter(1, beforeMicros)
                        .executeUpdate();
    }

    /**
     * The ids of a GPU's series, listed for an IN: with a subquery in their place, H2 reads the whole table instead of
     * the key's ranges.
     */
    private String seriesOf(String uuid) {
        return em
                .createQuery("SELECT s.id FROM TelemetrySeries s WHERE s.gpuUuid = :gpu", Long.class)
                .setParameter("gpu", uuid)
                .getResultList()
                .stream()
                .map(String::valueOf)
                .collect(Collectors.joining(","));
    }
}
