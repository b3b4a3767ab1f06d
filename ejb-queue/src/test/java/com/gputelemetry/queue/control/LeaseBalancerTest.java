package com.gputelemetry.queue.control;

import static org.assertj.core.api.Assertions.assertThat;

import com.gputelemetry.queue.entity.PartitionLease;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class LeaseBalancerTest {

    private static final long TTL = 10_000;

    private final List<PartitionLease> leases = IntStream.range(0, 16)
            .mapToObj(p -> new PartitionLease("collectors", "telemetry", p))
            .toList();

    @Test
    void aLoneInstanceTakesEveryPartition() {
        assertThat(LeaseBalancer.balance(leases, "a", 1, 1_000, TTL)).hasSize(16);
    }

    @Test
    void aSecondInstanceGetsHalfOnceTheFirstGivesBackItsExcess() {
        LeaseBalancer.balance(leases, "a", 1, 1_000, TTL);

        Set<Integer> bFirst = LeaseBalancer.balance(leases, "b", 2, 2_000, TTL);
        Set<Integer> a = LeaseBalancer.balance(leases, "a", 2, 3_000, TTL);
        Set<Integer> b = LeaseBalancer.balance(leases, "b", 2, 4_000, TTL);

        assertThat(bFirst).as("nothing is free while a holds everything").isEmpty();
        assertThat(a).hasSize(8);
        assertThat(b).hasSize(8).doesNotContainAnyElementsOf(a);
    }

    @Test
    void theSurvivorTakesOverADeadInstancesPartitionsWhenTheirLeasesExpire() {
        LeaseBalancer.balance(leases, "a", 1, 1_000, TTL);
        LeaseBalancer.balance(leases, "b", 2, 1_000, TTL);
        LeaseBalancer.balance(leases, "a", 2, 1_000, TTL);
        assertThat(LeaseBalancer.balance(leases, "b", 2, 1_000, TTL)).hasSize(8);

        // a dies and stops renewing; b renews its own every tick and alone is alive after the TTL.
        assertThat(LeaseBalancer.balance(leases, "b", 1, 5_000, TTL))
                .as("a's leases still run")
                .hasSize(8);
        assertThat(LeaseBalancer.balance(leases, "b", 1, 1_000 + TTL + 1, TTL)).hasSize(16);
    }

    @Test
    void sharesAreRoundedUpSoThatEveryPartitionHasAnOwner() {
        assertThat(LeaseBalancer.balance(leases, "a", 3, 1_000, TTL)).hasSize(6);
        assertThat(LeaseBalancer.balance(leases, "b", 3, 1_000, TTL)).hasSize(6);
        assertThat(LeaseBalancer.balance(leases, "c", 3, 1_000, TTL)).hasSize(4);
        assertThat(leases).allMatch(lease -> !lease.isFree(1_000));
    }
}
