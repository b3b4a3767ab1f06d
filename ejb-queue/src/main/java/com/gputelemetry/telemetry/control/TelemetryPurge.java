package com.gputelemetry.telemetry.control;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;

/**
 * Deletes old telemetry points a bounded chunk at a time, each chunk its own short transaction, one GPU at a time
 * through the index on (GPU, time): never a long lock, never a scan of the whole table.
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

    /** Deletes a GPU's rollups of one tier (its table) older than that, through their key (series, bucket). */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public int deleteRollupsOlder(String table, String uuid, long beforeMicros) {
        return em.createNativeQuery("DELETE FROM " + table + " WHERE series_id IN (SELECT id FROM telemetry_series"
                        + " WHERE gpu_uuid = ?1) AND bucket_us < ?2")
                .setParameter(1, uuid)
                .setParameter(2, beforeMicros)
                .executeUpdate();
    }
}
