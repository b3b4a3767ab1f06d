package com.gputelemetry.queue.entity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IdClassesTest {

    @Test
    void keysAreEqualByValue() {
        assertThat(new PartitionId("t", 1))
                .isEqualTo(new PartitionId("t", 1))
                .hasSameHashCodeAs(new PartitionId("t", 1))
                .isNotEqualTo(new PartitionId("t", 2))
                .isNotEqualTo(new PartitionId("u", 1));
        assertThat(new RecordPosition("t", 1, 9))
                .isEqualTo(new RecordPosition("t", 1, 9))
                .hasSameHashCodeAs(new RecordPosition("t", 1, 9))
                .isNotEqualTo(new RecordPosition("t", 1, 8));
        assertThat(new GroupPartitionId("g", "t", 1))
                .isEqualTo(new GroupPartitionId("g", "t", 1))
                .hasSameHashCodeAs(new GroupPartitionId("g", "t", 1))
                .isNotEqualTo(new GroupPartitionId("h", "t", 1));
    }
}
