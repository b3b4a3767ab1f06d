package com.gputelemetry.prometheus.entity;

/** Why a remote-written sample was not stored; each is counted in {@code /prometheus/metrics} under its name. */
public enum SkipReason {
    /** Its series lacks a label dcgm-exporter writes for every GPU (UUID, gpu, Hostname, device, modelName). */
    NOT_A_GPU_SERIES("not_gpu_series"),
    /** NaN or an infinity, which the CSV path refuses too. */
    NOT_FINITE("not_finite"),
    /** DCGM's "not supported" and "not found" markers, never data. */
    DCGM_BLANK("dcgm_blank"),
    /** A label longer than its column, or all the labels together longer than theirs. */
    TOO_LONG("too_long"),
    /** Before year 1 or after 9999, as the CSV path. */
    TIME_OUT_OF_RANGE("time_out_of_range");

    private final String metricTag;

    SkipReason(String metricTag) {
        this.metricTag = metricTag;
    }

    public String metricTag() {
        return metricTag;
    }
}
