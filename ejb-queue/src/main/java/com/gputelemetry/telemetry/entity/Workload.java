package com.gputelemetry.telemetry.entity;

import java.util.Set;

/**
 * The Kubernetes workload a GPU served when it was measured, as dcgm-exporter labels its samples: {@code namespace},
 * {@code pod}, {@code container} (each may be empty, not all).
 */
public record Workload(String namespace, String pod, String container) {

    /** The names of its labels, in Prometheus and in the CSV's columns. */
    public static final Set<String> LABELS = Set.of("namespace", "pod", "container");

    /** The widths of the columns (migration V7). */
    public static final int MAX_LENGTH = 253;

    public Workload {
        namespace = namespace == null ? "" : namespace;
        pod = pod == null ? "" : pod;
        container = container == null ? "" : container;
    }

    /** The workload these labels name, or null when they name none (a GPU no pod holds). */
    public static Workload of(String namespace, String pod, String container) {
        Workload workload = new Workload(namespace, pod, container);
        return workload.namespace.isBlank() && workload.pod.isBlank() && workload.container.isBlank() ? null : workload;
    }

    /** The workload's id ({@link NameId}): a point names its workload without a lookup. */
    public long id() {
        return NameId.of(namespace, pod, container);
    }

    /** Which of the three labels is longer than its column, or null when none is. */
    public String tooLong() {
        if (namespace.length() > MAX_LENGTH) {
            return "namespace";
        }
        if (pod.length() > MAX_LENGTH) {
            return "pod";
        }
        return container.length() > MAX_LENGTH ? "container" : null;
    }
}
