package com.gputelemetry.rollup.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * How far the rollups are built. Time before {@code closed} is closed: a point stored with such a time is late and
 * marks its hour stale. Rollups are complete before {@code built} (but for stale hours), which follows {@code closed}
 * once every collector transaction that could still store a point before it without marking it has ended.
 */
@Entity
@Table(name = "telemetry_rollup_progress")
public class RollupProgress {

    /** The one row. */
    public static final int ID = 1;

    @Id
    private int id;

    @Column(name = "closed_us")
    private long closedMicros;

    @Column(name = "built_us")
    private long builtMicros;

    protected RollupProgress() {}

    public boolean hasStarted() {
        return builtMicros > 0;
    }

    /** Starts building at that time (at most the time closed): what is stored before it is rolled up as late points. */
    public void startAt(long micros) {
        builtMicros = Math.min(micros, closedMicros);
    }

    /** Closes time up to then; never reopens. */
    public void closeUpTo(long micros) {
        closedMicros = Math.max(closedMicros, micros);
    }

    public void builtUpTo(long micros) {
        builtMicros = micros;
    }

    public long closedMicros() {
        return closedMicros;
    }

    public long builtMicros() {
        return builtMicros;
    }
}
