package com.gputelemetry.rollup.entity;

import java.util.Collection;

/**
 * A tier of rollups: the width of its buckets, the block of time a row of them packs, its table, and the table of a
 * row a bucket an earlier version wrote.
 */
public enum RollupTier {
    MINUTE(MinuteRollup.MICROS, HourRollup.MICROS, "telemetry_rollup_1m_block", "telemetry_rollup_1m"),
    HOUR(HourRollup.MICROS, 24 * HourRollup.MICROS, "telemetry_rollup_1h_block", "telemetry_rollup_1h");

    private final long micros;
    private final long blockMicros;
    private final String blockTable;
    private final String rowTable;

    RollupTier(long micros, long blockMicros, String blockTable, String rowTable) {
        this.micros = micros;
        this.blockMicros = blockMicros;
        this.blockTable = blockTable;
        this.rowTable = rowTable;
    }

    /** The width of a bucket. */
    public long micros() {
        return micros;
    }

    public long blockMicros() {
        return blockMicros;
    }

    /** Buckets in a block. */
    public int buckets() {
        return (int) (blockMicros / micros);
    }

    /** The start of the block of that time. */
    public long blockOf(long timeMicros) {
        return Math.floorDiv(timeMicros, blockMicros) * blockMicros;
    }

    public String blockTable() {
        return blockTable;
    }

    /** The table of a row a bucket, as versions before the blocks stored the tier: read until it is packed. */
    public String rowTable() {
        return rowTable;
    }

    public Rollup rollup(long seriesId, long bucketMicros, Rollup.Aggregate aggregate) {
        return this == MINUTE
                ? new MinuteRollup(seriesId, bucketMicros, aggregate)
                : new HourRollup(seriesId, bucketMicros, aggregate);
    }

    /** A new block of this tier for a series' rollups of one block of time. */
    public RollupBlock block(long seriesId, long startMicros, Collection<? extends Rollup> rollups) {
        return this == MINUTE
                ? new MinuteRollupBlock(seriesId, startMicros, rollups)
                : new HourRollupBlock(seriesId, startMicros, rollups);
    }

    public Class<? extends RollupBlock> entity() {
        return this == MINUTE ? MinuteRollupBlock.class : HourRollupBlock.class;
    }
}
