package com.gputelemetry.prometheus.control;

import com.gputelemetry.prometheus.entity.LabelMatcher;
import com.gputelemetry.prometheus.entity.Labels;
import com.gputelemetry.prometheus.entity.PointBudget;
import com.gputelemetry.prometheus.entity.QueryDeadline;
import com.gputelemetry.prometheus.entity.SeriesData;
import com.gputelemetry.telemetry.control.GpuCatalog;
import com.gputelemetry.telemetry.entity.Gpu;
import com.gputelemetry.telemetry.entity.PrometheusLabels;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The stored telemetry as Prometheus series: one per GPU and metric it reports, labelled with the GPU's labels as
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
        Map<String, Map<String, Labels>> byMetric = new TreeMap<>();
        for (Labels labels : everySeries()) {
            deadline.check();
            if (matchers.stream().allMatch(matcher -> matcher.matches(labels, deadline))) {
                byMetric.computeIfAbsent(labels.get(Labels.NAME), metric -> new LinkedHashMap<>())
                        .put(labels.get("UUID"), labels);
            }
        }
        List<SeriesData> selected = new ArrayList<>();
        byMetric.forEach((metric, gpus) -> {
            List<String> uuids = List.copyOf(gpus.keySet());
            for (int from = 0; from < uuids.size(); from += GPUS_PER_STATEMENT) {
                deadline.check();
                List<String> chunk = uuids.subList(from, Math.min(uuids.size(), from + GPUS_PER_STATEMENT));
                List<Object[]> rows = catalog.points(
                        metric,
                        chunk,
                        Math.multiplyExact(fromMillis, 1000L),
                        Math.multiplyExact(toMillis, 1000L) + 999,
                        (int) Math.min(Integer.MAX_VALUE, budget.left() + 1));
                budget.take(rows.size());
                selected.addAll(series(rows, gpus));
            }
        });
        return selected;
    }

    /** Every series there is: each GPU's metrics, labelled. */
    public List<Labels> everySeries() {
        List<Labels> series = new ArrayList<>();
        for (Gpu gpu : catalog.everyGpu()) {
            Labels labels = labelsOf(gpu);
            for (String metric : gpu.metricNames()) {
                series.add(labels.with(Labels.NAME, metric));
            }
        }
        return series;
    }

    private static List<SeriesData> series(List<Object[]> rows, Map<String, Labels> gpus) {
        List<SeriesData> series = new ArrayList<>();
        int start = 0;
        while (start < rows.size()) {
            String uuid = (String) rows.get(start)[0];
            int end = start;
            while (end < rows.size() && rows.get(end)[0].equals(uuid)) {
                end++;
            }
            long[] times = new long[end - start];
            double[] values = new double[end - start];
            for (int i = start; i < end; i++) {
                times[i - start] = Math.floorDiv(((Number) rows.get(i)[1]).longValue(), 1000L);
                values[i - start] = ((Number) rows.get(i)[2]).doubleValue();
            }
            series.add(new SeriesData(gpus.get(uuid), times, values));
            start = end;
        }
        return series;
    }

    /** The exporter's labels as stored (without a metric name), and the placement columns where they lack them. */
    private static Labels labelsOf(Gpu gpu) {
        Map<String, String> labels = new TreeMap<>(PrometheusLabels.parse(gpu.rawLabels()));
        labels.remove(Labels.NAME);
        labels.putIfAbsent("UUID", gpu.getUuid());
        labels.putIfAbsent("Hostname", gpu.getHostname());
        labels.putIfAbsent("gpu", Integer.toString(gpu.getGpuIndex()));
        labels.putIfAbsent("device", gpu.getDevice());
        labels.putIfAbsent("modelName", gpu.getModel());
        return Labels.of(labels);
    }
}
