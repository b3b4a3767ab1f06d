package com.gputelemetry.streamer.entity;

import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/** The streamer's running totals; the progress lines and the final JSON summary line are made from them. */
public class StreamStats {

    private final String instanceId;
    private final AtomicLong rowsRead = new AtomicLong();
    private final AtomicLong rowsAcked = new AtomicLong();
    private final AtomicLong rowsRejected = new AtomicLong();
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong retries = new AtomicLong();
    private final LatencyHistogram ackLatency = new LatencyHistogram();
    private final ScrapeFigures scrapes = new ScrapeFigures();
    private volatile boolean scraping;

    public StreamStats(String instanceId) {
        this.instanceId = instanceId;
    }

    public void read() {
        rowsRead.incrementAndGet();
    }

    public void read(long rows) {
        rowsRead.addAndGet(rows);
    }

    public void rejected(long rows) {
        rowsRejected.addAndGet(rows);
    }

    /** A batch acknowledged {@code nanos} after it was first sent. */
    public void acknowledged(long acceptedRows, long nanos) {
        rowsAcked.addAndGet(acceptedRows);
        batches.incrementAndGet();
        ackLatency.record(nanos);
    }

    public void retried() {
        retries.incrementAndGet();
    }

    /** Adds the scrape figures to the progress and summary lines: the streamer scrapes exporters. */
    public void scraping() {
        scraping = true;
    }

    public ScrapeFigures scrapes() {
        return scrapes;
    }

    public long rowsRead() {
        return rowsRead.get();
    }

    public long rowsAcked() {
        return rowsAcked.get();
    }

    public String toJson(String event) {
        return "{\"event\":" + Json.quote(event) + ",\"instanceId\":" + Json.quote(instanceId) + figures() + "}";
    }

    /** A progress log line: the totals and the rows read per second since the previous one. */
    public String progressJson(double rowsPerSecond) {
        return "{\"event\":\"progress\",\"instanceId\":" + Json.quote(instanceId) + figures() + ",\"rowsPerSecond\":"
                + Math.round(rowsPerSecond) + "}";
    }

    /** The same figures for a person watching a terminal. */
    public String progressLine(double rowsPerSecond) {
        return String.format(
                Locale.ROOT,
                "%s: %,d rows read, %,.0f rows/s, %,d acked, %,d rejected, %,d retries",
                instanceId,
                rowsRead.get(),
                rowsPerSecond,
                rowsAcked.get(),
                rowsRejected.get(),
                retries.get());
    }

    private String figures() {
        return ",\"rowsRead\":" + rowsRead + ",\"rowsAcked\":" + rowsAcked + ",\"rowsRejected\":" + rowsRejected
                + ",\"batches\":" + batches + ",\"retries\":" + retries + ",\"ackMillisP50\":"
                + ackLatency.percentileMillis(50) + ",\"ackMillisP99\":" + ackLatency.percentileMillis(99)
                + ",\"ackMillisMax\":" + ackLatency.maxMillis() + (scraping ? scrapes.figures() : "");
    }
}
