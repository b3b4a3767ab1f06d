package com.gputelemetry.telemetry.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.util.List;
import java.util.TreeSet;

/** A GPU that has reported telemetry. Its identity is the UUID: the index 0-7 repeats on every host. */
@Entity
@Table(name = "gpu")
@JsonbPropertyOrder({"uuid", "hostname", "gpuIndex", "device", "model", "firstSeen", "lastSeen"})
public class Gpu {

    @Id
    private String uuid;

    @Column(nullable = false)
    private String hostname;

    @Column(name = "gpu_index", nullable = false)
    private int gpuIndex;

    @Column(nullable = false)
    private String device;

    @Column(nullable = false)
    private String model;

    private String labels;

    /** The names of the metrics this GPU has reported, sorted, comma-separated: few, and rarely new. */
    private String metrics;

    @Column(name = "first_seen_us", nullable = false)
    private long firstSeenMicros;

    @Column(name = "last_seen_us", nullable = false)
    private long lastSeenMicros;

    protected Gpu() {}

    public Gpu(Sighting sighting) {
        this.uuid = sighting.uuid();
        this.firstSeenMicros = sighting.timeMicros();
        this.lastSeenMicros = sighting.timeMicros();
        adopt(sighting);
        this.metrics = sighting.metric();
    }

    /** A GPU as a listing shows it: placement and time span, without labels and metric names. Never persisted. */
    public Gpu(
            String uuid,
            String hostname,
            int gpuIndex,
            String device,
            String model,
            long firstSeenMicros,
            long lastSeenMicros) {
        this.uuid = uuid;
        this.hostname = hostname;
        this.gpuIndex = gpuIndex;
        this.device = device;
        this.model = model;
        this.firstSeenMicros = firstSeenMicros;
        this.lastSeenMicros = lastSeenMicros;
    }

    /**
     * Merges a sighting: the time span grows to cover it, and the newest sighting's placement wins, so a GPU moved
     * to another host or slot shows where it is now, whatever order sightings arrive in.
     */
    public void merge(Sighting sighting) {
        if (!reported(sighting.metric())) {
            var names = new TreeSet<>(metricNames());
            names.add(sighting.metric());
            metrics = String.join(",", names);
        }
        firstSeenMicros = Math.min(firstSeenMicros, sighting.timeMicros());
        if (sighting.timeMicros() >= lastSeenMicros) {
            lastSeenMicros = sighting.timeMicros();
            adopt(sighting);
        }
    }

    private void adopt(Sighting sighting) {
        this.hostname = sighting.hostname();
        this.gpuIndex = sighting.gpuIndex();
        this.device = sighting.device();
        this.model = sighting.model();
        if (sighting.labels() != null && !sighting.labels().isEmpty()) {
            this.labels = sighting.labels();
        }
    }

    public String getUuid() {
        return uuid;
    }

    public String getHostname() {
        return hostname;
    }

    public int getGpuIndex() {
        return gpuIndex;
    }

    public String getDevice() {
        return device;
    }

    public String getModel() {
        return model;
    }

    public String getFirstSeen() {
        return Micros.toRfc3339(firstSeenMicros);
    }

    public String getLastSeen() {
        return Micros.toRfc3339(lastSeenMicros);
    }

    /** Called for every stored row, so it looks the name up in place rather than splitting the list. */
    private boolean reported(String metric) {
        if (metrics == null) {
            return false;
        }
        for (int at = metrics.indexOf(metric); at >= 0; at = metrics.indexOf(metric, at + 1)) {
            int end = at + metric.length();
            if ((at == 0 || metrics.charAt(at - 1) == ',') && (end == metrics.length() || metrics.charAt(end) == ',')) {
                return true;
            }
        }
        return false;
    }

    /** Whether it may have a point of that metric: it reported it, or it was stored before GPUs listed their metrics. */
    public boolean mayHaveReported(String metric) {
        return metrics == null || reported(metric);
    }

    /** The metrics this GPU has reported, in name order. Not a property: the GPU list leaves it out. */
    public List<String> metricNames() {
        return metrics == null || metrics.isEmpty() ? List.of() : List.of(metrics.split(","));
    }

    /** The labels of the newest sighting that had any, as the exporter wrote them (Prometheus style). */
    public String rawLabels() {
        return labels;
    }

    public long firstSeenMicros() {
        return firstSeenMicros;
    }

    public long lastSeenMicros() {
        return lastSeenMicros;
    }

    /** One observation of a GPU's identity and placement at a point in time, in a row of one metric. */
    public record Sighting(
            String uuid,
            String hostname,
            int gpuIndex,
            String device,
            String model,
            String labels,
            String metric,
            long timeMicros) {}
}
