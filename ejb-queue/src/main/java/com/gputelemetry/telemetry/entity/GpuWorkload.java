package com.gputelemetry.telemetry.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.json.bind.annotation.JsonbTransient;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A workload a GPU served, and from when to when it was measured serving it. */
@Entity
@Table(name = "gpu_workload")
@IdClass(GpuWorkload.Key.class)
@JsonbPropertyOrder({"namespace", "pod", "container", "firstSeen", "lastSeen"})
public class GpuWorkload {

    @Id
    @Column(name = "gpu_uuid")
    private String gpuUuid;

    @Id
    @Column(name = "workload_id")
    private long workloadId;

    @Column(nullable = false)
    private String namespace;

    @Column(nullable = false)
    private String pod;

    @Column(nullable = false)
    private String container;

    @Column(name = "first_seen_us", nullable = false)
    private long firstSeenMicros;

    @Column(name = "last_seen_us", nullable = false)
    private long lastSeenMicros;

    protected GpuWorkload() {}

    public GpuWorkload(String gpuUuid, Workload workload, long firstSeenMicros, long lastSeenMicros) {
        this.gpuUuid = gpuUuid;
        this.workloadId = workload.id();
        this.namespace = workload.namespace();
        this.pod = workload.pod();
        this.container = workload.container();
        this.firstSeenMicros = firstSeenMicros;
        this.lastSeenMicros = lastSeenMicros;
    }

    /** Widens the span to take in points from {@code fromMicros} to {@code toMicros}, late ones too. */
    public void seen(long fromMicros, long toMicros) {
        firstSeenMicros = Math.min(firstSeenMicros, fromMicros);
        lastSeenMicros = Math.max(lastSeenMicros, toMicros);
    }

    @JsonbTransient
    public String getGpuUuid() {
        return gpuUuid;
    }

    @JsonbTransient
    public long getWorkloadId() {
        return workloadId;
    }

    public String getNamespace() {
        return namespace;
    }

    public String getPod() {
        return pod;
    }

    public String getContainer() {
        return container;
    }

    public String getFirstSeen() {
        return Micros.toRfc3339(firstSeenMicros);
    }

    public String getLastSeen() {
        return Micros.toRfc3339(lastSeenMicros);
    }

    public long firstSeenMicros() {
        return firstSeenMicros;
    }

    public long lastSeenMicros() {
        return lastSeenMicros;
    }

    public Workload workload() {
        return new Workload(namespace, pod, container);
    }

    /** Primary key: the GPU and the workload's id. */
    public static class Key implements java.io.Serializable {

        private String gpuUuid;
        private long workloadId;

        protected Key() {}

        public Key(String gpuUuid, long workloadId) {
            this.gpuUuid = gpuUuid;
            this.workloadId = workloadId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && workloadId == other.workloadId && gpuUuid.equals(other.gpuUuid);
        }

        @Override
        public int hashCode() {
            return gpuUuid.hashCode() * 31 + Long.hashCode(workloadId);
        }
    }
}
