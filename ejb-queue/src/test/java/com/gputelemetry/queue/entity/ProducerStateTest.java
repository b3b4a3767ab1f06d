package com.gputelemetry.queue.entity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ProducerStateTest {

    @Test
    void acceptsEachNewSequenceOnceAndRefusesRepeatsAndOlderOnes() {
        var producer = new ProducerState("rack-1-abc");

        assertThat(producer.accept(0, 1)).isTrue();
        assertThat(producer.accept(0, 2)).as("a retry of batch 0").isFalse();
        assertThat(producer.accept(1, 3)).isTrue();
        assertThat(producer.accept(0, 4)).as("a late duplicate of batch 0").isFalse();
        assertThat(producer.accept(5, 5))
                .as("gaps are allowed: empty batches are not always sent")
                .isTrue();
    }
}
