package com.gputelemetry.queue.entity;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PartitionLogTest {

    @Test
    void appendedRecordsGetDenseOffsetsInAppendOrder() {
        var log = new PartitionLog("telemetry", 3);

        LogRecord first = log.append("a", 1_000);
        LogRecord second = log.append("b", 1_001);
        LogRecord third = log.append("c", 1_002);

        assertThat(first.offset()).isZero();
        assertThat(second.offset()).isEqualTo(1);
        assertThat(third.offset()).isEqualTo(2);
        assertThat(log.nextOffset()).isEqualTo(3);
        assertThat(third.partition()).isEqualTo(3);
        assertThat(third.topic()).isEqualTo("telemetry");
        assertThat(third.payload()).isEqualTo("c");
        assertThat(third.appendedAtMillis()).isEqualTo(1_002);
    }
}
