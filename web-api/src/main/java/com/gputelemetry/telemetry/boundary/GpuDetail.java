package com.gputelemetry.telemetry.boundary;

import com.gputelemetry.telemetry.entity.GpuWorkload;
import com.gputelemetry.telemetry.entity.MetricUnit;
import com.gputelemetry.telemetry.entity.TelemetryPoint;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;
import java.util.Map;

/**
 * One GPU: identity, placement, when it reported, its exporter labels, the workloads it served (which pod held it when)
 * and the latest value of each metric.
 */
@JsonbPropertyOrder({
    "uuid",
    "hostname",
    "gpuIndex",
    "device",
    "model",
    "firstSeen",
    "lastSeen",
    "driverVersion",
    "labels",
    "workloads",
    "latest"
})
public record GpuDetail(
        String uuid,
        String hostname,
        int gpuIndex,
        String device,
        String model,
        String firstSeen,
        String lastSeen,
        String driverVersion,
        Map<String, String> labels,
        List<GpuWorkload> workloads,
        List<LatestValue> latest) {

    /** The newest point of one metric. */
    @JsonbPropertyOrder({"metric", "unit", "timestamp", "value"})
    public record LatestValue(String metric, String unit, String timestamp, double value) {

        /** The newest point of each metric that has one, in the order of the metrics. */
        public static List<LatestValue> of(List<String> metrics, Map<String, TelemetryPoint> newest) {
            return metrics.stream()
                    .filter(newest::containsKey)
                    .map(metric -> new LatestValue(
                            metric,
                            MetricUnit.of(metric),
                            newest.get(metric).getTimestamp(),
                            newest.get(metric).getValue()))
                    .toList();
        }
    }
}
