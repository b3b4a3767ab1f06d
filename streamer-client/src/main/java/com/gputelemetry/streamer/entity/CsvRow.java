package com.gputelemetry.streamer.entity;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Locale;

/**
 * A usable DCGM row as read from the file, with the line it came from and the exporter's own timestamp. The optional
 * columns (container, pod, namespace, labels) are empty strings when the file has none.
 */
public record CsvRow(
        long line,
        String sourceTimestamp,
        String metric,
        String gpuId,
        String device,
        String uuid,
        String model,
        String hostname,
        String value,
        String container,
        String pod,
        String namespace,
        String labels) {

    /** The file's own time of the row (checked to be RFC 3339 when the row was read). */
    public Instant fileTime() {
        return OffsetDateTime.parse(sourceTimestamp.toUpperCase(Locale.ROOT)).toInstant();
    }
}
