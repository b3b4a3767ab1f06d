package com.gputelemetry.streamer.entity;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The scrape totals of a streamer that scrapes exporters: scrapes by outcome, samples by what became of them, and how
 * long scrapes took. A scrape is late when it ended after its slot's timeout had passed, counted from the time it was
 * due: it was started late or took too long.
 */
public class ScrapeFigures {

    private final AtomicLong ok = new AtomicLong();
    private final AtomicLong late = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong skipped = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong notGpu = new AtomicLong();
    private final AtomicLong unsent = new AtomicLong();
    private final LatencyHistogram latency = new LatencyHistogram();

    /** A scrape whose samples were all taken in. */
    public void succeeded(long nanos, boolean onTime, long sampleCount, long notGpuCount) {
        ok.incrementAndGet();
        if (!onTime) {
            late.incrementAndGet();
        }
        samples.addAndGet(sampleCount);
        notGpu.addAndGet(notGpuCount);
        latency.record(nanos);
    }

    public void failed() {
        failed.incrementAndGet();
    }

    /** A scrape not made, or made and not taken in (backpressure, stopping): its samples are not counted as read. */
    public void skipped() {
        skipped.incrementAndGet();
    }

    /** Rows scraped and buffered that were still unsent when the drain timeout ran out at shutdown. */
    public void unsent(long rows) {
        unsent.addAndGet(rows);
    }

    public long ok() {
        return ok.get();
    }

    public long failedCount() {
        return failed.get();
    }

    public long skippedCount() {
        return skipped.get();
    }

    String figures() {
        return ",\"scrapesOk\":" + ok + ",\"scrapesLate\":" + late + ",\"scrapesFailed\":" + failed
                + ",\"scrapesSkipped\":" + skipped + ",\"samples\":" + samples + ",\"samplesNotGpu\":" + notGpu
                + ",\"rowsUnsent\":" + unsent + ",\"scrapeMillisP50\":" + latency.percentileMillis(50)
                + ",\"scrapeMillisP99\":" + latency.percentileMillis(99) + ",\"scrapeMillisMax\":"
                + latency.maxMillis();
    }
}
