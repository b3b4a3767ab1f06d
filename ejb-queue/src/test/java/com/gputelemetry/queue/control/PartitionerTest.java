package com.gputelemetry.queue.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;
import java.util.Set;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class PartitionerTest {

    @Test
    void aKeyAlwaysMapsToTheSamePartitionInRange() {
        var partitioner = new Partitioner(16);
        for (int i = 0; i < 1_000; i++) {
            String key = "GPU-" + UUID.randomUUID();
            int partition = partitioner.partitionOf(key);
            assertThat(partition).isBetween(0, 15);
            assertThat(new Partitioner(16).partitionOf(new String(key.toCharArray())))
                    .isEqualTo(partition);
        }
    }

    @Test
    void gpuUuidsSpreadOverEveryPartition() {
        var partitioner = new Partitioner(16);
        Set<Integer> used = new HashSet<>();
        IntStream.range(0, 247).forEach(i -> used.add(partitioner.partitionOf("GPU-" + UUID.randomUUID())));
        assertThat(used).hasSize(16);
    }

    @Test
    void aTopicNeedsAtLeastOnePartition() {
        assertThatThrownBy(() -> new Partitioner(0)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new Partitioner(1).partitionOf("anything")).isZero();
    }
}
