package com.gputelemetry.prometheus.control;

import com.gputelemetry.prometheus.entity.LabelMatcher;
import com.gputelemetry.prometheus.entity.Labels;
import com.gputelemetry.prometheus.entity.PointBudget;
import com.gputelemetry.prometheus.entity.QueryDeadline;
import com.gputelemetry.prometheus.entity.SeriesData;
import com.gputelemetry.telemetry.control.GpuCatalog;
import com.gputelemetry.telemetry.entity.Gpu;
import com.gputelemetry.telemetry.entity.GpuWorkload;
import com.gputelemetry.telemetry.entity.PrometheusLabels;
import com.gputelemetry.telemetry.entity.SeriesEnd;
import com.gputelemetry.telemetry.entity.Workload;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    @Override
    public List<SeriesData> select(
            List<LabelMatcher> matchers, long fromMillis, long toMillis, PointBudget budget, QueryDeadline deadline) {
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
        List<SeriesData> selected = new ArrayList<>();
        byMetric.forEach((metric, chosen) -> {
            List<String> uuids =
                    chosen.keySet().stream().map(SeriesKey::uuid).distinct().toList();
            for (int from = 0; from < uuids.size(); from += GPUS_PER_STATEMENT) {
                deadline.check();
                List<String> chunk = uuids.subList(from, Math.min(uuids.size(), from + GPUS_PER_STATEMENT));
                long fromMicros = Math.multiplyExact(fromMillis, 1000L);
                long toMicros = Math.multiplyExact(toMillis, 1000L) + 999;
                List<Object[]> rows = catalog.points(
                        metric, chunk, fromMicros, toMicros, (int) Math.min(Integer.MAX_VALUE, budget.left() + 1));
                budget.take(rows.size());
                selected.addAll(
                        series(rows, ends(catalog.seriesEnds(metric, chunk, fromMicros, toMicros)), metric, chosen));
            }
        });
        return selected;
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
        Map<String, List<GpuWorkload>> workloads = catalog.everyWorkload();
        Map<SeriesKey, Labels> series = new LinkedHashMap<>();
        for (Gpu gpu : catalog.everyGpu()) {
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
