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

    /** Points before it are in blocks, but late ones (with their stale hours): where the next compaction starts. */
    @Column(name = "compacted_us")
    private long compactedMicros;

    /** No block holds a point at or after it: reads of later time need not look at the blocks. */
    @Column(name = "compacting_us")
    private long compactingMicros;

    /** The transactions that moved points into blocks so far. */
    @Column(name = "compactions")
    private long compactions;

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

    /**
     * Starts compacting up to then (at most what is built, at most where compaction has started before).
     *
     * @return where compaction stands: it goes on from there
     */
    public long compactUpTo(long micros) {
        compactingMicros = Math.max(compactingMicros, Math.min(micros, builtMicros));
        return compactedMicros;
    }

    public long compactedMicros() {
        return compactedMicros;
    }

    public long compactingMicros() {
        return compactingMicros;
    }

    /** Everything before then is compacted, but late points. */
    public void compactedUpTo(long micros) {
        compactedMicros = Math.max(compactedMicros, Math.min(micros, compactingMicros));
    }

    /** One more transaction moved points into blocks. */
    public void movedIntoBlocks() {
        compactions++;
    }

    public long closedMicros() {
        return closedMicros;
    }

    public long builtMicros() {
        return builtMicros;
    }
}
