package com.gputelemetry.rollup.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The minute rollups of one series in one hour, packed ({@link PackedMinutes}). */
@Entity
@Table(name = "telemetry_rollup_1m_block")
@IdClass(Rollup.Key.class)
public class MinuteRollupBlock {

    @Id
    @Column(name = "series_id")
    private long seriesId;

    @Id
    @Column(name = "hour_us")
    private long bucketMicros;

    @Column(name = "minute_count")
    private int count;

    @Column(name = "minutes")
    private byte[] packed;

    protected MinuteRollupBlock() {}

    /** @param minutes of one series in the hour, at least one */
    public MinuteRollupBlock(long seriesId, long hourMicros, Collection<MinuteRollup> minutes) {
        this.seriesId = seriesId;
        this.bucketMicros = hourMicros;
        store(minutes);
    }

    public long seriesId() {
        return seriesId;
    }

    public long hourMicros() {
        return bucketMicros;
    }

    public List<MinuteRollup> minutes() {
        return PackedMinutes.unpack(seriesId, bucketMicros, packed);
    }

    /** Puts these minutes in, in place of those it holds of the same minute. */
    public void put(Collection<MinuteRollup> minutes) {
        List<MinuteRollup> all = new ArrayList<>(minutes());
        all.addAll(minutes);
        store(all);
    }

    /** Of minutes of the same bucket, the later in the list is kept. */
    private void store(Collection<MinuteRollup> minutes) {
        if (minutes.isEmpty()) {
            throw new IllegalArgumentException("a block of minutes holds at least one");
        }
        Map<Long, MinuteRollup> ordered = new TreeMap<>();
        minutes.forEach(minute -> ordered.put(minute.bucketMicros(), minute));
        count = ordered.size();
        packed = PackedMinutes.pack(bucketMicros, ordered.values());
    }
}
