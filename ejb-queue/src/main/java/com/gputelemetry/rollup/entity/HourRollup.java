package com.gputelemetry.rollup.entity;

/**
 * A series' points in one hour (buckets start on the hour), combined from its minutes. Stored packed, a day of a
 * series' hours a row ({@link HourRollupBlock}).
 */
public class HourRollup extends Rollup {

    public static final long MICROS = 3_600_000_000L;

    /** The hour's rollup, so far of one of its minutes. */
    public HourRollup(Rollup minute) {
        super(minute, hourOf(minute.bucketMicros()));
    }

    public HourRollup(long seriesId, long bucketMicros, Aggregate aggregate) {
        super(seriesId, bucketMicros, aggregate);
    }

    /** The start of the hour of that time. */
    public static long hourOf(long micros) {
        return Math.floorDiv(micros, MICROS) * MICROS;
    }
}
