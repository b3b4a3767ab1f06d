package com.gputelemetry.rollup.entity;

/**
 * A series' points in one minute (buckets start on the minute). Stored packed, an hour of a series' minutes a row
 * ({@link MinuteRollupBlock}).
 */
public class MinuteRollup extends Rollup {

    public static final long MICROS = 60_000_000L;

    public MinuteRollup(long seriesId, long timeMicros, double value) {
        super(seriesId, Math.floorDiv(timeMicros, MICROS) * MICROS, timeMicros, value);
    }

    public MinuteRollup(long seriesId, long bucketMicros, Aggregate aggregate) {
        super(seriesId, bucketMicros, aggregate);
    }
}
