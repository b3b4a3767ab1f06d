package com.gputelemetry.collector.boundary;

import com.gputelemetry.queue.boundary.MessageListener;
import com.gputelemetry.queue.entity.LogRecord;
import com.gputelemetry.telemetry.entity.Gpu;
import com.gputelemetry.telemetry.entity.TelemetryRow;
import jakarta.ejb.Stateless;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.HashMap;
import java.util.Map;

/**
 * Stores one queue record's telemetry rows: upserts each GPU and inserts its points. Pooled by the container and
 * called inside the queue's delivery transaction, which also commits the group's offset (message-driven style).
 */
@Stateless
public class TelemetryCollector implements MessageListener {

    @PersistenceContext(unitName = "telemetry")
    EntityManager em;

    @Override
    public void onMessage(LogRecord record) {
        Map<String, Gpu> gpus = new HashMap<>();
        for (TelemetryRow row : TelemetryRow.fromPayload(record.payload())) {
            Gpu gpu = gpus.get(row.uuid());
            if (gpu == null) {
                gpu = em.find(Gpu.class, row.uuid());
            }
            if (gpu == null) {
                gpu = new Gpu(row.sighting());
                em.persist(gpu);
            } else {
                gpu.merge(row.sighting());
            }
            gpus.put(row.uuid(), gpu);
            em.persist(row.toPoint());
        }
    }
}
