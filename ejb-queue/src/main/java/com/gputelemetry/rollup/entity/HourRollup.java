package com.gputelemetry.rollup.entity;

import jakarta.persistence.Entity;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A series' points in one hour (buckets start on the hour), combined from its minutes. */
@Entity
@Table(name = "telemetry_rollup_1h")
@IdClass(Rollup.Key.class)
public class HourRollup extends Rollup {

    public static final long MICROS = 3_600_000_000L;

    protected HourRollup() {}

    /** The start of the hour of that time. */
    public static long hourOf(long micros) {
        return Math.floorDiv(micros, MICROS) * MICROS;
    }

    /** The hour's rollup, so far of one of its minutes. */
    public HourRollup(MinuteRollup minute) {
        super(minute, Math.floorDiv(minute.bucketMicros(), MICROS) * MICROS);
    }
}
