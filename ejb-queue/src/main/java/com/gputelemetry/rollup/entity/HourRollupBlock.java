package com.gputelemetry.rollup.entity;

import jakarta.persistence.Entity;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.util.Collection;

/** The hour rollups of one series in one day (UTC). */
@Entity
@Table(name = "telemetry_rollup_1h_block")
@IdClass(Rollup.Key.class)
public class HourRollupBlock extends RollupBlock {

    protected HourRollupBlock() {}

    public HourRollupBlock(long seriesId, long dayMicros, Collection<? extends Rollup> hours) {
        super(seriesId, dayMicros, hours);
    }

    @Override
    public RollupTier tier() {
        return RollupTier.HOUR;
    }
}
