package com.gputelemetry.rollup.entity;

import com.gputelemetry.telemetry.entity.NameId;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A series: one GPU's metric while it served one workload (workload 0: none), named by a small id. */
@Entity
@Table(name = "telemetry_series")
public class TelemetrySeries {

    /** The workload id of a series without a workload (as a staleness marker's). */
    public static final long NO_WORKLOAD = 0;

    @Id
    private long id;

    @Column(name = "gpu_uuid", nullable = false)
    private String gpuUuid;

    @Column(nullable = false)
    private String metric;

    @Column(name = "workload_id", nullable = false)
    private long workloadId;

    protected TelemetrySeries() {}

    public TelemetrySeries(String gpuUuid, String metric, long workloadId) {
        this.id = idOf(gpuUuid, metric, workloadId);
        this.gpuUuid = gpuUuid;
        this.metric = metric;
        this.workloadId = workloadId;
    }

    /** The series' id ({@link NameId}): written without a lookup, the same row from any server. */
    public static long idOf(String gpuUuid, String metric, long workloadId) {
        return NameId.of(gpuUuid, metric, Long.toString(workloadId));
    }

    /** Registers those of these series that are not registered yet: one query, and an insert for each new one. */
    public static void registerMissing(EntityManager em, Collection<TelemetrySeries> series) {
        if (series.isEmpty()) {
            return;
        }
        Map<Long, TelemetrySeries> missing = new HashMap<>();
        series.forEach(one -> missing.put(one.id, one));
        em.createQuery("SELECT s.id FROM TelemetrySeries s WHERE s.id IN :ids", Long.class)
                .setParameter("ids", List.copyOf(missing.keySet()))
                .getResultList()
                .forEach(missing::remove);
        missing.values().forEach(em::persist);
    }

    public long id() {
        return id;
    }
}
