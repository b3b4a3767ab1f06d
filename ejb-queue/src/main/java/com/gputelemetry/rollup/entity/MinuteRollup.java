package com.gputelemetry.rollup.entity;

import jakarta.persistence.Entity;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A series' points in one minute (buckets start on the minute). */
@Entity
@Table(name = "telemetry_rollup_1m")
@IdClass(Rollup.Key.class)
public class MinuteRollup extends Rollup {

    public static final long MICROS = 60_000_000L;

    protected MinuteRollup() {}

    public MinuteRollup(long seriesId, long timeMicros, double value) {
        super(seriesId, Math.floorDiv(timeMicros, MICROS) * MICROS, timeMicros, value);
    }

    public MinuteRollup(long seriesId, long bucketMicros, Aggregate aggregate) {
        super(seriesId, bucketMicros, aggregate);
    }
}
