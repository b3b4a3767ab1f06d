package com.gputelemetry.telemetry.control;

import com.gputelemetry.telemetry.entity.Gpu;
import com.gputelemetry.telemetry.entity.SeriesPosition;
import com.gputelemetry.telemetry.entity.TelemetryPoint;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Optional;

/** Read side of the telemetry store: the GPUs and one GPU's time series, a keyset page at a time. */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class GpuCatalog {

    @PersistenceContext(unitName = "telemetry")
    EntityManager em;

    public List<Gpu> gpus() {
        return em.createQuery("SELECT g FROM Gpu g ORDER BY g.hostname, g.gpuIndex, g.uuid", Gpu.class)
                .getResultList();
    }

    public Optional<Gpu> gpu(String uuid) {
        return Optional.ofNullable(em.find(Gpu.class, uuid));
    }

    /** Points of one GPU with {@code fromMicros <= time <= toMicros}, ascending, strictly after {@code after}. */
    public List<TelemetryPoint> series(String uuid, long fromMicros, long toMicros, SeriesPosition after, int limit) {
        return em.createQuery(
                        """
                        SELECT p FROM TelemetryPoint p
                        WHERE p.gpuUuid = :gpu AND p.timeMicros >= :from AND p.timeMicros <= :to
                          AND (p.timeMicros > :afterTime OR (p.timeMicros = :afterTime AND p.id > :afterId))
                        ORDER BY p.timeMicros, p.id""",
                        TelemetryPoint.class)
                .setParameter("gpu", uuid)
                .setParameter("from", fromMicros)
                .setParameter("to", toMicros)
                .setParameter("afterTime", after.timeMicros())
                .setParameter("afterId", after.id())
                .setMaxResults(limit)
                .getResultList();
    }
}
