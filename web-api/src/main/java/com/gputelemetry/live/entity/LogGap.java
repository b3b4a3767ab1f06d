package com.gputelemetry.live.entity;

import java.nio.charset.StandardCharsets;

/**
 * Records a resuming client should have been sent that the queue's log no longer holds ({@code QUEUE_RETENTION_MINUTES}
 * passed since they were processed): the offsets {@code from} (inclusive) to {@code to} (exclusive) of one partition.
 * Their points are stored all the same; the event tells the client to read them from the GPU API instead of silently
 * going on as if it had missed nothing.
 */
public record LogGap(int partition, long from, long to) {

    /** The gap as an event of the stream, without an id: the client's last id stays the place it resumes from. */
    public byte[] event() {
        return ("event: gap\ndata: {\"partition\":" + partition + ",\"from\":" + from + ",\"to\":" + to
                        + ",\"detail\":\"the queue's log no longer holds what was stored after the Last-Event-ID"
                        + " up to here; read those points from the GPU API\"}\n\n")
                .getBytes(StandardCharsets.UTF_8);
    }
}
