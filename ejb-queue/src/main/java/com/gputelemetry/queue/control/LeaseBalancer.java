package com.gputelemetry.queue.control;

import com.gputelemetry.queue.entity.PartitionLease;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Shares a group's partitions fairly among the live instances: each keeps and renews what it holds up to its fair
 * share (partitions / live instances, rounded up), gives back the excess, and takes free or expired leases until
 * it has its share. Run by every instance on every tick, this converges without a coordinator.
 */
public final class LeaseBalancer {

    private LeaseBalancer() {}

    /** @return the partitions {@code me} holds afterwards */
    public static Set<Integer> balance(
            List<PartitionLease> leases, String me, int liveInstances, long nowMillis, long ttlMillis) {
        int share = (leases.size() + Math.max(1, liveInstances) - 1) / Math.max(1, liveInstances);
        Set<Integer> held = new TreeSet<>();
        for (PartitionLease lease : leases) {
            if (lease.isHeldBy(me, nowMillis)) {
                if (held.size() < share) {
                    lease.grant(me, nowMillis + ttlMillis);
                    held.add(lease.partition());
                } else {
                    lease.release();
                }
            }
        }
        for (PartitionLease lease : leases) {
            if (held.size() >= share) {
                break;
            }
            if (lease.isFree(nowMillis)) {
                lease.grant(me, nowMillis + ttlMillis);
                held.add(lease.partition());
            }
        }
        return held;
    }
}
