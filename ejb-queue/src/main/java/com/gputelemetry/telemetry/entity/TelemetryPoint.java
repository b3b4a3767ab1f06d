package com.gputelemetry.telemetry.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.SequenceGenerator;
import jakarta.persistence.Table;
import jakarta.persistence.Transient;

/** One measured value of one metric of one GPU at one time. */
@Entity
@Table(name = "telemetry_point")
@JsonbPropertyOrder({"timestamp", "metric", "value"})
public class TelemetryPoint {

    @Id
    @SequenceGenerator(name = "telemetry_point_seq", sequenceName = "telemetry_point_seq", allocationSize = 500)
    @GeneratedValue(strategy = GenerationType.SEQUENCE, generator = "telemetry_point_seq")
    private long id;

    /** Its series ({@link TelemetrySeries}): the GPU, the metric and the workload the GPU served, if any. */
    @Column(name = "series_id", nullable = false)
    private long seriesId;

    @Column(name = "time_us", nullable = false)
    private long timeMicros;

    @Column(name = "metric_value", nullable = false)
    private double value;

    /** The time the exporter wrote into the CSV, when known; the point's own time is when the row was processed. */
    @Column(name = "source_time_us")
    private Long sourceTimeMicros;

    // Not stored with the point: its series names them; a point read for a page or a GPU's newest values carries them.
    @Transient
    private String gpuUuid;

    @Transient
    private String metric;

    protected TelemetryPoint() {}

    public TelemetryPoint(long seriesId, long timeMicros, double value, Long sourceTimeMicros) {
        this.seriesId = seriesId;
        this.timeMicros = timeMicros;
        this.value = value;
        this.sourceTimeMicros = sourceTimeMicros;
    }

    /** A point as the newest values show it. Never persisted. */
    public TelemetryPoint(long id, String gpuUuid, String metric, long timeMicros, double value) {
        this(id, metric, timeMicros, value);
        this.gpuUuid = gpuUuid;
    }

    /** A point as a page of its GPU's series shows it (the GPU is the page's). Never persisted. */
    public TelemetryPoint(long id, String metric, long timeMicros, double value) {
        this.id = id;
        this.metric = metric;
        this.timeMicros = timeMicros;
        this.value = value;
    }

    public String getTimestamp() {
        return Micros.toRfc3339(timeMicros);
    }

    public String getMetric() {
        return metric;
    }

    public double getValue() {
        return value;
    }

    /** The keyset position of this point in its GPU's series: time, then id for points at the same time. */
    public SeriesPosition position(boolean descending) {
        return new SeriesPosition(timeMicros, id, descending);
    }

    public long timeMicros() {
        return timeMicros;
    }

    public long seriesId() {
        return seriesId;
    }

    public long id() {
        return id;
    }

    public String gpuUuid() {
        return gpuUuid;
    }
}
