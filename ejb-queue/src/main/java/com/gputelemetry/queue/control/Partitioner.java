package com.gputelemetry.queue.control;

/**
 * Maps a key to a partition with a hash that never changes between runs or JVMs, so one key's records always land
 * in one partition and stay in order.
 */
public record Partitioner(int partitions) {

    public Partitioner {
        if (partitions < 1) {
            throw new IllegalArgumentException("a topic needs at least one partition, not " + partitions);
        }
    }

    public int partitionOf(String key) {
        // String.hashCode is specified by the JLS; the finalizer below spreads keys that differ only in a suffix.
        int h = key.hashCode();
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        return Math.floorMod(h, partitions);
    }
}
