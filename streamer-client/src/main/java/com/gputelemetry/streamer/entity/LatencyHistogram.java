package com.gputelemetry.streamer.entity;

/**
 * How long something took (a batch's wait for its acknowledgement, retries included; a scrape): a histogram of whole
 * milliseconds, so that a streamer running for days keeps a fixed, small footprint.
 */
public class LatencyHistogram {

    /** Beyond this, a duration counts in the last bucket: the retry budget and scrape timeouts are far shorter. */
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

    /** The smallest whole millisecond that at least {@code percent} of the durations did not exceed; 0 without any. */
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
