package com.gputelemetry.telemetry.boundary;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;
import java.util.Map;

/** One GPU: identity, placement, when it reported, its exporter labels and the latest value of each metric. */
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
        List<LatestValue> latest) {

    /** The newest point of one metric. */
    @JsonbPropertyOrder({"metric", "unit", "timestamp", "value"})
    public record LatestValue(String metric, String unit, String timestamp, double value) {}
}
