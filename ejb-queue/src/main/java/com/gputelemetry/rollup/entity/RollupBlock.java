package com.gputelemetry.rollup.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Id;
import jakarta.persistence.MappedSuperclass;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** The rollups of one series' tier in one block of time, packed ({@link PackedRollups}). */
@MappedSuperclass
public abstract class RollupBlock {

    @Id
    @Column(name = "series_id")
    private long seriesId;

    /** The block's start (named as {@link Rollup.Key}'s field, its id class). */
    @Id
    @Column(name = "start_us")
    private long bucketMicros;

    @Column(name = "bucket_count")
    private int count;

    @Column(name = "buckets")
    private byte[] packed;

    protected RollupBlock() {}

    /** @param rollups of the series in the block, at least one */
    protected RollupBlock(long seriesId, long startMicros, Collection<? extends Rollup> rollups) {
        this.seriesId = seriesId;
        this.bucketMicros = startMicros;
        store(rollups);
    }

    public abstract RollupTier tier();

    public long seriesId() {
        return seriesId;
    }

    public long startMicros() {
        return bucketMicros;
    }

    /** Its rollups, in bucket order. */
    public List<Rollup> rollups() {
        return PackedRollups.unpack(tier(), seriesId, bucketMicros, packed);
    }

    /** Puts these rollups in, in place of those it holds of the same bucket. */
    public void put(Collection<? extends Rollup> rollups) {
        List<Rollup> all = new ArrayList<>(rollups());
        all.addAll(rollups);
        store(all);
    }

    /** Of rollups of the same bucket, the later in the list is kept. */
    private void store(Collection<? extends Rollup> rollups) {
        if (rollups.isEmpty()) {
            throw new IllegalArgumentException("a block of rollups holds at least one");
        }
        Map<Long, Rollup> ordered = new TreeMap<>();
        rollups.forEach(rollup -> ordered.put(rollup.bucketMicros(), rollup));
        count = ordered.size();
        packed = PackedRollups.pack(tier(), bucketMicros, ordered.values());
    }
}
