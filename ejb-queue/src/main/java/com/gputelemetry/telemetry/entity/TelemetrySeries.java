package com.gputelemetry.telemetry.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.EntityManager;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** A series: one GPU's metric while it served one workload (workload 0: none), named by a small id. */
@Entity
@Table(name = "telemetry_series")
public class TelemetrySeries {

    /** The workload id of a series without a workload (as a staleness marker's). */
    public static final long NO_WORKLOAD = 0;

    /** Ids looked up at once: far below every database's limit on bind parameters. */
    private static final int PER_QUERY = 1_000;

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

    /**
     * Registers those of these series that are not registered yet: a query per {@value #PER_QUERY}, and an insert for
     * each new one.
     */
    public static void registerMissing(EntityManager em, Collection<TelemetrySeries> series) {
        Map<Long, TelemetrySeries> missing = new HashMap<>();
        series.forEach(one -> missing.put(one.id, one));
        List<Long> ids = List.copyOf(missing.keySet());
        for (int from = 0; from < ids.size(); from += PER_QUERY) {
            em.createQuery("SELECT s.id FROM TelemetrySeries s WHERE s.id IN :ids", Long.class)
                    .setParameter("ids", ids.subList(from, Math.min(ids.size(), from + PER_QUERY)))
                    .getResultList()
                    .forEach(missing::remove);
        }
        missing.values().forEach(em::persist);
    }

    /**
     * The ids of these GPUs' series, listed for an IN of a native statement: with a subquery in their place, H2 reads
     * the whole table instead of the key's ranges. Empty when they have none.
     */
    public static String idsOf(EntityManager em, Collection<String> gpus) {
        return idsOf(em, gpus, List.of());
    }

    /** The same, of these metrics only (of all, when empty). */
    public static String idsOf(EntityManager em, Collection<String> gpus, Collection<String> metrics) {
        var query = em.createQuery(
                        "SELECT s.id FROM TelemetrySeries s WHERE s.gpuUuid IN :gpus"
                                + (metrics.isEmpty() ? "" : " AND s.metric IN :metrics"),
                        Long.class)
                .setParameter("gpus", gpus);
        if (!metrics.isEmpty()) {
            query.setParameter("metrics", metrics);
        }
        return query.getResultList().stream().map(String::valueOf).collect(Collectors.joining(","));
    }

    public long id() {
        return id;
    }
}
