package com.gputelemetry.streamer.entity;

/**
 * How long batches waited for their acknowledgement, from the first send to the server's 200 (retries included): a
 * histogram of whole milliseconds, so that a streamer looping for days keeps a fixed, small footprint.
 */
public class AckLatency {

    /** Beyond this, a batch counts in the last bucket: the retry budget is far shorter than that in practice. */
    private static final int MAX_MILLIS = 60_000;

    private final long[] counts = new long[MAX_MILLIS + 1];
    private long total;
    private long max;

    public synchronized void record(long nanos) {
        long millis = Math.min(MAX_MILLIS, Math.max(0, nanos / 1_000_000));
        counts[(int) millis]++;
        total++;
        max = Math.max(max, millis);
    }

    /** The smallest whole millisecond that at least {@code percent} of the batches did not exceed; 0 without any. */
    public synchronized long percentileMillis(double percent) {
        long needed = (long) Math.ceil(total * percent / 100);
        long seen = 0;
        for (int millis = 0; millis < counts.length; millis++) {
            seen += counts[millis];
            if (seen >= needed && seen > 0) {
                return millis;
            }
        }
        return 0;
    }

    public synchronized long maxMillis() {
        return max;
    }
}
