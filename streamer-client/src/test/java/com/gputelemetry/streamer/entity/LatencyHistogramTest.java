package com.gputelemetry.streamer.entity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LatencyHistogramTest {

    @Test
    void percentilesAreTheSmallestMillisecondThatEnoughBatchesDidNotExceed() {
        var latency = new LatencyHistogram();
        for (int millis = 1; millis <= 100; millis++) {
            latency.record(millis * 1_000_000L + 999_999);
        }
        assertThat(latency.percentileMillis(50)).isEqualTo(50);
        assertThat(latency.percentileMillis(99)).isEqualTo(99);
        assertThat(latency.maxMillis()).isEqualTo(100);
    }

    @Test
    void withoutBatchesEveryFigureIsZeroAndAnHourLongWaitCountsAsTheLongestBucket() {
        var latency = new LatencyHistogram();
        assertThat(latency.percentileMillis(99)).isZero();
        latency.record(3_600_000_000_000L);
        assertThat(latency.percentileMillis(50)).isEqualTo(60_000);
    }
}
