package com.gputelemetry.streamer.entity;

import java.util.concurrent.atomic.AtomicLong;

/** The streamer's running totals; the final JSON summary line is made from them. */
public class StreamStats {

    private final String instanceId;
    private final AtomicLong rowsRead = new AtomicLong();
    private final AtomicLong rowsAcked = new AtomicLong();
    private final AtomicLong rowsRejected = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();

    public StreamStats(String instanceId) {
        this.instanceId = instanceId;
    }

    public void read() {
        rowsRead.incrementAndGet();
    }

    public void rejected(long rows) {
        rowsRejected.addAndGet(rows);
    }

    public void acknowledged(long acceptedRows) {
        rowsAcked.addAndGet(acceptedRows);
        batches.incrementAndGet();
    }

    public void retried() {
        retries.incrementAndGet();
    }

    public long rowsAcked() {
        return rowsAcked.get();
    }

    public String toJson(String event) {
        return "{\"event\":" + Json.quote(event) + ",\"instanceId\":" + Json.quote(instanceId)
                + ",\"rowsRead\":" + rowsRead + ",\"rowsAcked\":" + rowsAcked + ",\"rowsRejected\":" + rowsRejected
                + ",\"batches\":" + batches + ",\"retries\":" + retries + "}";
    }
}
