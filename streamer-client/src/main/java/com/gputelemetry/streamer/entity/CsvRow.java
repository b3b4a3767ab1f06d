package com.gputelemetry.streamer.entity;

/** A usable DCGM row as read from the file, with the line it came from and the exporter's own timestamp. */
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
        String labels) {}
