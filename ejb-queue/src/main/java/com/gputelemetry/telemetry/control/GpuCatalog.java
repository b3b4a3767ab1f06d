package com.gputelemetry.telemetry.control;

import com.gputelemetry.telemetry.entity.Gpu;
import com.gputelemetry.telemetry.entity.GpuPosition;
import com.gputelemetry.telemetry.entity.GpuWorkload;
import com.gputelemetry.telemetry.entity.SeriesPosition;
import com.gputelemetry.telemetry.entity.TelemetryPoint;
import com.gputelemetry.telemetry.entity.TelemetrySeries;
import jakarta.ejb.EJB;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import jakarta.persistence.TypedQuery;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Read side of the telemetry store: GPUs, hosts, metrics and time series, each listing a keyset page at a time so
 * that a page costs the same however deep it is (a GPU's series: a range of the key of each of its series).
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class GpuCatalog {

    /** How far before the newest report of a page's GPUs their newest points are read in one statement. */
    static final long RECENT_MICROS = 120_000_000L;

    /**
     * Entities read here only go out as JSON: with these hints neither provider keeps a working copy or a snapshot of
     * each for change tracking. (The listings construct exactly what they show instead, and see what the transaction
     * they may run in has written.)
     */
    private static final Map<String, Object> READ_ONLY =
            Map.of("eclipselink.read-only", "true", "org.hibernate.readOnly", true);

    @PersistenceContext(unitName = "telemetry")
    EntityManager em;

    @EJB
    PointBlocks blocks;

    /** A host and how many GPUs it has. */
    public record Host(String hostname, long gpus) {}

    /**
     * GPUs after {@code after} in the order hostname, index, UUID, as a listing shows them: without their labels and
     * metric names, the largest columns, which a listing leaves out.
     *
     * @param hostname and {@code model}: exact but case-insensitive filters, null for none
     * @param namespace and {@code pod}: GPUs that served a workload of this namespace (and pod), at any time; exact,
     *     null for none
     */
    public List<Gpu> gpus(String hostname, String model, String namespace, String pod, GpuPosition after, int limit) {
        var jpql = new StringBuilder(
                """
                SELECT NEW com.gputelemetry.telemetry.entity.Gpu(
                    g.uuid, g.hostname, g.gpuIndex, g.device, g.model, g.firstSeenMicros, g.lastSeenMicros)
                FROM Gpu g
                WHERE (g.hostname > :host OR (g.hostname = :host AND g.gpuIndex > :index)
                       OR (g.hostname = :host AND g.gpuIndex = :index AND g.uuid > :uuid))""");
        if (hostname != null) {
            jpql.append(" AND LOWER(g.hostname) = :hostname");
        }
        if (model != null) {
            jpql.append(" AND LOWER(g.model) = :model");
        }
        if (namespace != null || pod != null) {
            jpql.append(" AND g.uuid IN (SELECT w.gpuUuid FROM GpuWorkload w WHERE ")
                    .append(namespace != null && pod != null ? "w.namespace = :namespace AND w.pod = :pod" : "")
                    .append(namespace != null && pod == null ? "w.namespace = :namespace" : "")
                    .append(namespace == null ? "w.pod = :pod" : "")
                    .append(")");
        }
        jpql.append(" ORDER BY g.hostname, g.gpuIndex, g.uuid");
        TypedQuery<Gpu> query = em.createQuery(jpql.toString(), Gpu.class)
                .setParameter("host", after.hostname())
                .setParameter("index", after.gpuIndex())
                .setParameter("uuid", after.uuid())
                .setMaxResults(limit);
        if (hostname != null) {
            query.setParameter("hostname", hostname.toLowerCase());
        }
        if (model != null) {
            query.setParameter("model", model.toLowerCase());
        }
        if (namespace != null) {
            query.setParameter("namespace", namespace);
        }
        if (pod != null) {
            query.setParameter("pod", pod);
        }
        return query.getResultList();
    }

    /** The workloads a GPU served, the earliest first: which pod held it when. */
    public List<GpuWorkload> workloads(String uuid) {
        return readOnly(em.createQuery(
                        "SELECT w FROM GpuWorkload w WHERE w.gpuUuid = :gpu ORDER BY w.firstSeenMicros, w.workloadId",
                        GpuWorkload.class))
                .setParameter("gpu", uuid)
                .getResultList();
    }

    /** Every GPU's workloads, by GPU UUID: the series a Prometheus query chooses among have their labels. */
    public Map<String, List<GpuWorkload>> everyWorkload() {
        Map<String, List<GpuWorkload>> byGpu = new HashMap<>();
        readOnly(em.createQuery("SELECT w FROM GpuWorkload w ORDER BY w.firstSeenMicros", GpuWorkload.class))
                .getResultList()
                .forEach(w -> byGpu.computeIfAbsent(w.getGpuUuid(), uuid -> new ArrayList<>())
                        .add(w));
        return byGpu;
    }

    public Optional<Gpu> gpu(String uuid) {
        return Optional.ofNullable(em.find(Gpu.class, uuid, READ_ONLY));
    }

    /** These GPUs whole, with their labels and metric names (which a listing leaves out), in one statement. */
    public List<Gpu> gpus(Collection<String> uuids) {
        if (uuids.isEmpty()) {
            return List.of();
        }
        return readOnly(em.createQuery("SELECT g FROM Gpu g WHERE g.uuid IN :uuids", Gpu.class))
                .setParameter("uuids", List.copyOf(uuids))
                .getResultList();
    }

    /** Every GPU with its labels and the metrics it reports: the series a Prometheus query chooses among. */
    public List<Gpu> everyGpu() {
        return readOnly(em.createQuery("SELECT g FROM Gpu g ORDER BY g.uuid", Gpu.class))
                .getResultList();
    }

    /**
     * The points of one metric of some GPUs with {@code fromMicros <= time <= toMicros}, by GPU and then time, as
     * rows of GPU UUID, time (µs), value, workload id (null for none) and point id; at most {@code limit} rows. A guard,
     * not a page: of more points than that, the ones that come are not the first by GPU (the rows are read series by
     * series), so a caller that gets {@code limit} rows must refuse the query, as the PromQL budget does.
     */
    public List<Object[]> points(String metric, List<String> uuids, long fromMicros, long toMicros, int limit) {
        PointBlocks.Bound bound = blocks.bound();
        Map<Long, PointBlocks.SeriesName> series = blocks.series(uuids, List.of(metric), null);
        if (series.isEmpty()) {
            return List.of();
        }
        List<Object[]> rows = em
                .createQuery(
                        """
                        SELECT p.seriesId, p.timeMicros, p.value, p.id FROM TelemetryPoint p
                        WHERE p.seriesId IN :series AND p.timeMicros >= :from AND p.timeMicros <= :to
                        ORDER BY p.seriesId, p.timeMicros, p.id""",
                        Object[].class)
                .setParameter("series", series.keySet())
                .setParameter("from", fromMicros)
                .setParameter("to", toMicros)
                .setMaxResults(limit)
                .getResultList()
                .stream()
                .map(row -> {
                    PointBlocks.SeriesName name = series.get((Long) row[0]);
                    return new Object[] {name.gpuUuid(), row[1], row[2], name.workloadOrNull(), row[3]};
                })
                .toList();
        return blocks.points(rows, bound, series, fromMicros, toMicros, limit);
    }

    /**
     * The ends (Prometheus' staleness markers) of one metric's series of some GPUs with {@code fromMicros <= time <=
     * toMicros}, as rows of GPU UUID, workload id ({@code SeriesEnd.NO_WORKLOAD} for none) and time (µs).
     */
    public List<Object[]> seriesEnds(String metric, List<String> uuids, long fromMicros, long toMicros) {
        return em.createQuery(
                        """
                        SELECT e.gpuUuid, e.workloadId, e.timeMicros FROM SeriesEnd e
                        WHERE e.metric = :metric AND e.gpuUuid IN :uuids
                          AND e.timeMicros >= :from AND e.timeMicros <= :to""",
                        Object[].class)
                .setParameter("metric", metric)
                .setParameter("uuids", uuids)
                .setParameter("from", fromMicros)
                .setParameter("to", toMicros)
                .getResultList();
    }

    /** Hosts after {@code afterHostname} in name order, each with its number of GPUs. */
    public List<Host> hosts(String afterHostname, int limit) {
        return em
                .createQuery(
                        """
                        SELECT g.hostname, COUNT(g) FROM Gpu g WHERE g.hostname > :after
                        GROUP BY g.hostname ORDER BY g.hostname""",
                        Object[].class)
                .setParameter("after", afterHostname)
                .setMaxResults(limit)
                .getResultList()
                .stream()
                .map(row -> new Host((String) row[0], ((Number) row[1]).longValue()))
                .toList();
    }

    /** The hostname as stored, matched case-insensitively. */
    public Optional<String> host(String hostname) {
        return em
                .createQuery("SELECT g.hostname FROM Gpu g WHERE LOWER(g.hostname) = :host", String.class)
                .setParameter("host", hostname.toLowerCase())
                .setMaxResults(1)
                .getResultList()
                .stream()
                .findFirst();
    }

    /** Every metric name any GPU has reported. */
    public SortedSet<String> metricNames() {
        SortedSet<String> names = new TreeSet<>();
        em.createQuery("SELECT DISTINCT g.metrics FROM Gpu g WHERE g.metrics IS NOT NULL", String.class)
                .getResultList()
                .forEach(list -> names.addAll(Arrays.asList(list.split(","))));
        return names;
    }

    /**
     * The newest point of each of the metrics of each of the GPUs, in one transaction. The GPUs that reported lately
     * are read in one statement over their last {@link #RECENT_MICROS}; the series found nothing there (a GPU that
     * stopped reporting, a metric it no longer reports) or whose newest point there may have a newer one in a block
     * are then read together, a few statements whatever their number ({@link PointBlocks#newest}): a page costs the
     * same statements for 10 GPUs as for 100.
     *
     * @return by GPU UUID, then metric; a GPU or metric without a point is absent
     */
    public Map<String, Map<String, TelemetryPoint>> latest(List<Gpu> gpus, List<String> metrics) {
        Map<String, Map<String, TelemetryPoint>> latest = new HashMap<>();
        if (gpus.isEmpty() || metrics.isEmpty()) {
            return latest;
        }
        PointBlocks.Bound bound = blocks.bound();
        long from = gpus.stream().mapToLong(Gpu::lastSeenMicros).max().orElseThrow() - RECENT_MICROS;
        List<String> recent = gpus.stream()
                .filter(gpu -> gpu.lastSeenMicros() >= from)
                .map(Gpu::getUuid)
                .toList();
        newestSince(recent, metrics, from)
                .forEach(point -> latest.computeIfAbsent(point.gpuUuid(), any -> new HashMap<>())
                        .merge(point.getMetric(), point, PointBlocks::newer));
        Set<String> lookUp = new HashSet<>();
        for (Gpu gpu : gpus) {
            for (String metric : metrics) {
                TelemetryPoint found =
                        latest.getOrDefault(gpu.getUuid(), Map.of()).get(metric);
                if ((found == null || bound.reaches(found.timeMicros())) && gpu.mayHaveReported(metric)) {
                    lookUp.add(gpu.getUuid() + ' ' + metric);
                }
            }
        }
        if (!lookUp.isEmpty()) {
            Map<Long, PointBlocks.SeriesName> series = blocks.series(
                    lookUp.stream()
                            .map(pair -> pair.substring(0, pair.indexOf(' ')))
                            .collect(Collectors.toSet()),
                    lookUp.stream()
                            .map(pair -> pair.substring(pair.indexOf(' ') + 1))
                            .collect(Collectors.toSet()),
                    null);
            series.values().removeIf(name -> !lookUp.contains(name.gpuUuid() + ' ' + name.metric()));
            blocks.newest(series, bound).values().forEach(point -> latest.computeIfAbsent(
                            point.gpuUuid(), any -> new HashMap<>())
                    .merge(point.getMetric(), point, PointBlocks::newer));
        }
        return latest;
    }

    /** The points of these GPUs' metrics at the newest time of each series since {@code fromMicros}. */
    private List<TelemetryPoint> newestSince(List<String> uuids, List<String> metrics, long fromMicros) {
        if (uuids.isEmpty()) {
            return List.of();
        }
        String series = TelemetrySeries.idsOf(em, uuids, metrics);
        if (series.isEmpty()) {
            return List.of();
        }
        @SuppressWarnings("unchecked")
        List<Object[]> rows = em.createNativeQuery("SELECT p.id, s.gpu_uuid, s.metric, p.time_us, p.metric_value"
                        + " FROM telemetry_point p JOIN (SELECT series_id, MAX(time_us) AS newest FROM telemetry_point"
                        + " WHERE series_id IN (" + series + ") AND time_us >= ?1 GROUP BY series_id) n"
                        + " ON p.series_id = n.series_id AND p.time_us = n.newest"
                        + " JOIN telemetry_series s ON s.id = p.series_id")
                .setParameter(1, fromMicros)
                .getResultList();
        return rows.stream()
                .map(row -> new TelemetryPoint(
                        ((Number) row[0]).longValue(),
                        (String) row[1],
                        (String) row[2],
                        ((Number) row[3]).longValue(),
                        ((Number) row[4]).doubleValue()))
                .toList();
    }

    private static <T> TypedQuery<T> readOnly(TypedQuery<T> query) {
        READ_ONLY.forEach(query::setHint);
        return query;
    }

    /**
     * Points of one GPU (time, metric, value: what a page shows) with {@code fromMicros <= time <= toMicros}, strictly after {@code after} in its direction,
     * ascending or descending by time, then id.
     *
     * @param metrics the metrics to include; empty for all
     * @param workloadIds only the points measured while the GPU served one of these workloads; null for all points
     */
    public List<TelemetryPoint> series(
            String uuid,
            long fromMicros,
            long toMicros,
            List<String> metrics,
            Collection<Long> workloadIds,
            SeriesPosition after,
            int limit) {
        Map<Long, PointBlocks.SeriesName> series = blocks.series(List.of(uuid), metrics, workloadIds);
        if (series.isEmpty()) {
            return List.of();
        }
        boolean descending = after.descending();
        String beyond = descending
                ? "(p.timeMicros < :afterTime OR (p.timeMicros = :afterTime AND p.id < :afterId))"
                : "(p.timeMicros > :afterTime OR (p.timeMicros = :afterTime AND p.id > :afterId))";
        String direction = descending ? " DESC" : "";
        PointBlocks.Bound bound = blocks.bound();
        List<TelemetryPoint> rows = em
                .createQuery(
                        "SELECT p.id, p.seriesId, p.timeMicros, p.value FROM TelemetryPoint p WHERE p.seriesId IN :series"
                                + " AND p.timeMicros >= :from AND p.timeMicros <= :to AND " + beyond
                                + " ORDER BY p.timeMicros" + direction + ", p.id" + direction,
                        Object[].class)
                .setParameter("series", series.keySet())
                .setParameter("from", fromMicros)
                .setParameter("to", toMicros)
                .setParameter("afterTime", after.timeMicros())
                .setParameter("afterId", after.id())
                .setMaxResults(limit)
                .getResultList()
                .stream()
                .map(row -> new TelemetryPoint(
                        (Long) row[0], series.get((Long) row[1]).metric(), (Long) row[2], (Double) row[3]))
                .toList();
        return bound.reaches(fromMicros) ? blocks.page(rows, bound, series, fromMicros, toMicros, after, limit) : rows;
    }
}
