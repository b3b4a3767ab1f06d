package com.gputelemetry.rollup.entity;

import jakarta.persistence.Entity;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.util.Collection;

/** The minute rollups of one series in one hour. */
@Entity
@Table(name = "telemetry_rollup_1m_block")
@IdClass(Rollup.Key.class)
public class MinuteRollupBlock extends RollupBlock {

    protected MinuteRollupBlock() {}

    public MinuteRollupBlock(long seriesId, long hourMicros, Collection<? extends Rollup> minutes) {
        super(seriesId, hourMicros, minutes);
    }

    @Override
    public RollupTier tier() {
        return RollupTier.MINUTE;
    }
}
