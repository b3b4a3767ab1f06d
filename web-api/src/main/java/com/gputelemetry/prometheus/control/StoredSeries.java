package com.gputelemetry.prometheus.control;

import com.gputelemetry.prometheus.entity.LabelMatcher;
import com.gputelemetry.prometheus.entity.Labels;
import com.gputelemetry.prometheus.entity.PointBudget;
import com.gputelemetry.prometheus.entity.QueryDeadline;
import com.gputelemetry.prometheus.entity.SeriesData;
import com.gputelemetry.rollup.control.RollupEdges;
import com.gputelemetry.rollup.entity.RollupTier;
import com.gputelemetry.telemetry.control.GpuCatalog;
import com.gputelemetry.telemetry.entity.Gpu;
import com.gputelemetry.telemetry.entity.GpuWorkload;
import com.gputelemetry.telemetry.entity.PrometheusLabels;
import com.gputelemetry.telemetry.entity.SeriesEnd;
import com.gputelemetry.telemetry.entity.TelemetrySeries;
import com.gputelemetry.telemetry.entity.Workload;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * The stored telemetry as Prometheus series: one per GPU, metric and workload, labelled with the GPU's labels as
 * the exporter (and Prometheus) wrote them, its placement columns where the labels lack them, and the metric as
 * {@code __name__}. Points are read a few dozen GPUs at a time and kept as arrays, within the query's budget.
 */
@ApplicationScoped
public class StoredSeries implements SeriesSource {

    /** Enough GPUs per statement to keep round trips few, few enough to keep each result's boxed rows small. */
    private static final int GPUS_PER_STATEMENT = 64;

    @EJB
    GpuCatalog catalog;

    @EJB
    RollupEdges rollups;

    @Override
    public List<SeriesData> select(
            List<LabelMatcher> matchers, long fromMillis, long toMillis, PointBudget budget, QueryDeadline deadline) {
        List<SeriesData> selected = new ArrayList<>();
        chosen(matchers, deadline).forEach((metric, chosen) -> {
            for (List<String> chunk : chunks(chosen)) {
                deadline.check();
                long fromMicros = Math.multiplyExact(fromMillis, 1000L);
                long toMicros = Math.multiplyExact(toMillis, 1000L) + 999;
                List<Object[]> rows = points(metric, chunk, fromMicros, toMicros, budget);
                selected.addAll(
                        series(rows, ends(catalog.seriesEnds(metric, chunk, fromMicros, toMicros)), metric, chosen));
            }
        });
        return selected;
    }

    /**
     * From the rollups where the times are whole minutes (or hours) and their buckets built: at each time, the last
     * point of each of the buckets within the lookback before it, and the points of the time's own millisecond, read
     * from the points where a bucket's first point says there are some; from the points elsewhere (times after what
     * is built, a GPU's series with a late point waiting to be rolled up). A 30-day panel at an hour's step reads a
     * row per series and hour.
     */
    @Override
    public List<SeriesData> selectLatest(
            List<LabelMatcher> matchers,
            long startMillis,
            long endMillis,
            long stepMillis,
            PointBudget budget,
            QueryDeadline deadline) {
        long lookbackStart = startMillis - PromqlEvaluator.LOOKBACK_MILLIS;
        long step = stepMillis > 0 ? stepMillis : Long.MAX_VALUE;
        RollupTier tier = aligned(startMillis, step, RollupTier.HOUR)
                ? RollupTier.HOUR
                : aligned(startMillis, step, RollupTier.MINUTE) ? RollupTier.MINUTE : null;
        if (tier == null) {
            return select(matchers, lookbackStart, endMillis, budget, deadline);
        }
        long bucketMillis = tier.micros() / 1000;
        // The last time whose bucket before it and its own bucket are built.
        long lastBuilt = Math.floorDiv(rollups.builtMicros(), 1000) - bucketMillis;
        if (lastBuilt < startMillis) {
            return select(matchers, lookbackStart, endMillis, budget, deadline);
        }
        long lastRolled = startMillis + (Math.min(lastBuilt, endMillis) - startMillis) / step * step;
        List<SeriesData> selected = new ArrayList<>();
        chosen(matchers, deadline).forEach((metric, chosen) -> {
            for (List<String> chunk : chunks(chosen)) {
                deadline.check();
                long fromMicros = Math.multiplyExact(lookbackStart, 1000L);
                long toMicros = Math.multiplyExact(endMillis, 1000L) + 999;
                List<Object[]> rows;
                if (rollups.anyStale(metric, chunk, fromMicros, lastRolled * 1000 + tier.micros())) {
                    rows = points(metric, chunk, fromMicros, toMicros, budget);
                } else {
                    rows = edgePoints(tier, metric, chunk, chosen, startMillis, lastRolled, step, budget);
                    if (lastRolled < endMillis) {
                        long rawFrom = Math.max(lookbackStart, lastRolled + 1);
                        rows.addAll(points(metric, chunk, rawFrom * 1000, toMicros, budget));
                    }
                    // By GPU, then time: how the points' rows come, and how series() wants them.
                    rows.sort(Comparator.comparing((Object[] row) -> (String) row[0])
                            .thenComparingLong(row -> ((Number) row[1]).longValue()));
                }
                selected.addAll(
                        series(rows, ends(catalog.seriesEnds(metric, chunk, fromMicros, toMicros)), metric, chosen));
            }
        });
        return selected;
    }

    private static boolean aligned(long startMillis, long stepMillis, RollupTier tier) {
        long bucketMillis = tier.micros() / 1000;
        return Math.floorMod(startMillis, bucketMillis) == 0
                && (stepMillis == Long.MAX_VALUE || stepMillis % bucketMillis == 0);
    }

    /**
     * Rows (GPU, time, value, workload) of points of the chosen series of a chunk of GPUs from the rollups of a tier,
     * for the times {@code start, start + step, ...} up to {@code lastRolled} (one when the step is {@code
     * Long.MAX_VALUE}): the last point of each bucket within the lookback before a time, which includes the latest
     * one before it, and the latest of the points in the time's own millisecond where there are such.
     */
    private List<Object[]> edgePoints(
            RollupTier tier,
            String metric,
            List<String> chunk,
            Map<SeriesKey, Labels> chosen,
            long start,
            long lastRolled,
            long step,
            PointBudget budget) {
        Set<String> gpus = Set.copyOf(chunk);
        Map<Long, SeriesKey> byId = new HashMap<>();
        for (SeriesKey key : chosen.keySet()) {
            if (gpus.contains(key.uuid())) {
                byId.put(
                        TelemetrySeries.idOf(
                                key.uuid(),
                                metric,
                                key.workloadId() == null ? TelemetrySeries.NO_WORKLOAD : key.workloadId()),
                        key);
            }
        }
        long bucket = tier.micros();
        long lookback = Math.floorDiv(PromqlEvaluator.LOOKBACK_MILLIS * 1000 + bucket - 1, bucket) * bucket;
        long period = step == Long.MAX_VALUE ? lookback + bucket : step * 1000;
        List<RollupEdges.Edge> edges =
                rollups.of(tier, byId.keySet(), start * 1000 - lookback, lastRolled * 1000 + bucket, period, lookback);
        budget.take(edges.size());
        List<Object[]> rows = new ArrayList<>();
        for (RollupEdges.Edge edge : edges) {
            SeriesKey key = byId.get(edge.seriesId());
            rows.add(new Object[] {key.uuid(), edge.lastMicros(), edge.last(), key.workloadId()});
            boolean bucketOfATime =
                    edge.bucketMicros() >= start * 1000 && (edge.bucketMicros() - start * 1000) % period == 0;
            if (bucketOfATime && edge.firstMicros() < edge.bucketMicros() + 1000) {
                // Points in the time's own millisecond: the latest of them is the latest at that time. Where
                // retention has deleted them, the bucket's first point is (one of) them.
                rows.add(
                        points(metric, List.of(key.uuid()), edge.bucketMicros(), edge.bucketMicros() + 999, budget)
                                .stream()
                                .filter(row -> Objects.equals(
                                        row[3] == null ? null : ((Number) row[3]).longValue(), key.workloadId()))
                                .reduce((first, second) -> second)
                                .orElse(new Object[] {key.uuid(), edge.firstMicros(), edge.first(), key.workloadId()}));
            }
        }
        return rows;
    }

    private List<Object[]> points(
            String metric, List<String> uuids, long fromMicros, long toMicros, PointBudget budget) {
        List<Object[]> rows = catalog.points(
                metric, uuids, fromMicros, toMicros, (int) Math.min(Integer.MAX_VALUE, budget.left() + 1));
        budget.take(rows.size());
        return rows;
    }

    /** The series every matcher accepts, by metric. */
    private Map<String, Map<SeriesKey, Labels>> chosen(List<LabelMatcher> matchers, QueryDeadline deadline) {
        // A GPU's series without a workload is a candidate whether or not it has points: if it has none, it is not
        // selected, since only series with points are.
        Map<String, Map<SeriesKey, Labels>> byMetric = new TreeMap<>();
        for (Map.Entry<SeriesKey, Labels> series : candidates(true).entrySet()) {
            deadline.check();
            Labels labels = series.getValue();
            if (matchers.stream().allMatch(matcher -> matcher.matches(labels, deadline))) {
                byMetric.computeIfAbsent(labels.get(Labels.NAME), metric -> new LinkedHashMap<>())
                        .put(series.getKey(), labels);
            }
        }
        return byMetric;
    }

    /** The GPUs of the chosen series, a statement's worth at a time. */
    private static List<List<String>> chunks(Map<SeriesKey, Labels> chosen) {
        List<String> uuids =
                chosen.keySet().stream().map(SeriesKey::uuid).distinct().toList();
        List<List<String>> chunks = new ArrayList<>();
        for (int from = 0; from < uuids.size(); from += GPUS_PER_STATEMENT) {
            chunks.add(uuids.subList(from, Math.min(uuids.size(), from + GPUS_PER_STATEMENT)));
        }
        return chunks;
    }

    /** Every series there is: each GPU's metrics, once per workload it served, labelled. */
    public List<Labels> everySeries() {
        return List.copyOf(candidates(false).values());
    }

    /**
     * Each GPU's series: a metric's points of one workload are a series, with the workload's labels, as Prometheus
     * has them (a pod's label changes the series). Its points without a workload are one more, which a listing shows
     * only when the GPU reported outside every workload's span.
     */
    private Map<SeriesKey, Labels> candidates(boolean everyPossible) {
        // The GPUs before their workloads: a delivery moves a GPU's and its workload's ends together, so workloads read
        // after the GPUs end no earlier than they. (Read the other way round, a GPU that reported in between seemed to
        // have reported outside every workload, and its series without one was listed too.)
        List<Gpu> gpus = catalog.everyGpu();
        Map<String, List<GpuWorkload>> workloads = catalog.everyWorkload();
        Map<SeriesKey, Labels> series = new LinkedHashMap<>();
        for (Gpu gpu : gpus) {
            Labels labels = labelsOf(gpu);
            List<GpuWorkload> served = workloads.getOrDefault(gpu.getUuid(), List.of());
            boolean withoutWorkload = everyPossible || served.isEmpty() || reportedOutside(gpu, served);
            for (String metric : gpu.metricNames()) {
                Labels named = labels.with(Labels.NAME, metric);
                if (withoutWorkload) {
                    series.put(new SeriesKey(metric, gpu.getUuid(), null), named);
                }
                for (GpuWorkload workload : served) {
                    series.put(
                            new SeriesKey(metric, gpu.getUuid(), workload.getWorkloadId()),
                            withWorkload(named, workload));
                }
            }
        }
        return series;
    }

    private static boolean reportedOutside(Gpu gpu, List<GpuWorkload> served) {
        long first =
                served.stream().mapToLong(GpuWorkload::firstSeenMicros).min().orElseThrow();
        long last = served.stream().mapToLong(GpuWorkload::lastSeenMicros).max().orElseThrow();
        return gpu.firstSeenMicros() < first || gpu.lastSeenMicros() > last;
    }

    private static Labels withWorkload(Labels labels, GpuWorkload workload) {
        Labels labelled = labels;
        if (!workload.getNamespace().isEmpty()) {
            labelled = labelled.with("namespace", workload.getNamespace());
        }
        if (!workload.getPod().isEmpty()) {
            labelled = labelled.with("pod", workload.getPod());
        }
        if (!workload.getContainer().isEmpty()) {
            labelled = labelled.with("container", workload.getContainer());
        }
        return labelled;
    }

    /** The ends (GPU, workload, time) of series, in milliseconds, by GPU and workload (null for none). */
    private static Map<List<Object>, long[]> ends(List<Object[]> rows) {
        Map<List<Object>, List<Long>> times = new HashMap<>();
        for (Object[] row : rows) {
            long workload = ((Number) row[1]).longValue();
            times.computeIfAbsent(
                            Arrays.asList(row[0], workload == SeriesEnd.NO_WORKLOAD ? null : workload),
                            key -> new ArrayList<>())
                    .add(Math.floorDiv(((Number) row[2]).longValue(), 1000L));
        }
        Map<List<Object>, long[]> ends = new HashMap<>();
        times.forEach((key, list) ->
                ends.put(key, list.stream().mapToLong(Long::longValue).sorted().toArray()));
        return ends;
    }

    /** The rows (GPU, time, value, workload) as series with their ends, those of the chosen series only. */
    private static List<SeriesData> series(
            List<Object[]> rows, Map<List<Object>, long[]> ends, String metric, Map<SeriesKey, Labels> chosen) {
        Map<SeriesKey, List<Object[]>> grouped = new LinkedHashMap<>();
        for (Object[] row : rows) {
            Long workload = row[3] == null ? null : ((Number) row[3]).longValue();
            SeriesKey key = new SeriesKey(metric, (String) row[0], workload);
            if (chosen.containsKey(key)) {
                grouped.computeIfAbsent(key, k -> new ArrayList<>()).add(row);
            }
        }
        List<SeriesData> series = new ArrayList<>();
        grouped.forEach((key, points) -> {
            long[] times = new long[points.size()];
            double[] values = new double[points.size()];
            for (int i = 0; i < points.size(); i++) {
                times[i] = Math.floorDiv(((Number) points.get(i)[1]).longValue(), 1000L);
                values[i] = ((Number) points.get(i)[2]).doubleValue();
            }
            series.add(new SeriesData(
                    chosen.get(key),
                    times,
                    values,
                    ends.getOrDefault(Arrays.asList(key.uuid(), key.workloadId()), new long[0])));
        });
        return series;
    }

    /** A stored series: a metric of a GPU, of one workload or (null) of none. */
    private record SeriesKey(String metric, String uuid, Long workloadId) {}

    /** The exporter's labels as stored (without a metric name), and the placement columns where they lack them. */
    private static Labels labelsOf(Gpu gpu) {
        Map<String, String> labels = new TreeMap<>(PrometheusLabels.parse(gpu.rawLabels()));
        labels.remove(Labels.NAME);
        // A point's workload is its own (above); the GPU's newest ones must not label its other points.
        Workload.LABELS.forEach(labels::remove);
        labels.putIfAbsent("UUID", gpu.getUuid());
        labels.putIfAbsent("Hostname", gpu.getHostname());
        labels.putIfAbsent("gpu", Integer.toString(gpu.getGpuIndex()));
        labels.putIfAbsent("device", gpu.getDevice());
        labels.putIfAbsent("modelName", gpu.getModel());
        return Labels.of(labels);
    }
}
