package com.gputelemetry.streamer.scrape.entity;

import java.time.Instant;
import java.util.Optional;
import java.util.SortedMap;

/**
 * One sample of an exposition: the metric's name, its labels as the exporter wrote them (escapes resolved), the value
 * as written, the exporter's own timestamp if it gave one, and the body's line it came from.
 */
public record Sample(
        String name, SortedMap<String, String> labels, String value, Optional<Instant> timestamp, long line) {

    /** A series of a GPU: dcgm-exporter labels every one of them with the GPU's UUID. */
    public boolean isGpuSeries() {
        return !labels.getOrDefault("UUID", "").isEmpty();
    }

    public String label(String name) {
        return labels.getOrDefault(name, "");
    }

    /** The value is a number the server can store: Prometheus' NaN and infinities are not. */
    public boolean hasFiniteValue() {
        try {
            return Double.isFinite(Double.parseDouble(value));
        } catch (NumberFormatException e) {
            return false;
        }
    }
}
