package com.gputelemetry.telemetry.entity;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
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

    /**
     * A positive id computed from the labels, the same on every server and in every transaction: a point names its
     * workload without a lookup, and two collectors storing the same new workload at once cannot clash. A collision
     * needs about four billion workloads on one GPU.
     */
    public long id() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((namespace + '\u0000' + pod + '\u0000' + container).getBytes(StandardCharsets.UTF_8));
            long id = 0;
            for (int i = 0; i < Long.BYTES; i++) {
                id = (id << 8) | (digest[i] & 0xff);
            }
            return id & Long.MAX_VALUE;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
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
