package com.gputelemetry.telemetry.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/** A Prometheus staleness marker: the series (a GPU's metric of one workload) ended at this time. */
@Entity
@Table(name = "series_end")
@IdClass(SeriesEnd.Key.class)
public class SeriesEnd {

    /** The workload id of a series without a workload. */
    public static final long NO_WORKLOAD = 0;

    @Id
    @Column(name = "gpu_uuid")
    private String gpuUuid;

    @Id
    private String metric;

    @Id
    @Column(name = "workload_id")
    private long workloadId;

    @Id
    @Column(name = "time_us")
    private long timeMicros;

    protected SeriesEnd() {}

    /** The end a marker row of the queue stands for. */
    public SeriesEnd(TelemetryRow marker) {
        this.gpuUuid = marker.uuid();
        this.metric = marker.metric();
        this.workloadId =
                marker.workload() == null ? NO_WORKLOAD : marker.workload().id();
        this.timeMicros = marker.timeMicros();
    }

    public Key key() {
        return new Key(gpuUuid, metric, workloadId, timeMicros);
    }

    /** Primary key: the series and the time. */
    public static class Key implements Serializable {

        private String gpuUuid;
        private String metric;
        private long workloadId;
        private long timeMicros;

        protected Key() {}

        public Key(String gpuUuid, String metric, long workloadId, long timeMicros) {
            this.gpuUuid = gpuUuid;
            this.metric = metric;
            this.workloadId = workloadId;
            this.timeMicros = timeMicros;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key other
                    && workloadId == other.workloadId
                    && timeMicros == other.timeMicros
                    && gpuUuid.equals(other.gpuUuid)
                    && metric.equals(other.metric);
        }

        @Override
        public int hashCode() {
            return Objects.hash(gpuUuid, metric, workloadId, timeMicros);
        }
    }
}
