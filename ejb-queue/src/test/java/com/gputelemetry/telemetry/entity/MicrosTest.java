package com.gputelemetry.telemetry.entity;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class MicrosTest {

    @Test
    void keepsMicrosecondsAndPrintsRfc3339InUtc() {
        Instant instant = Instant.parse("2026-11-22T10:15:30.123456Z");

        long micros = Micros.of(instant);

        assertThat(Micros.toInstant(micros)).isEqualTo(instant);
        assertThat(Micros.toRfc3339(micros)).isEqualTo("2026-11-22T10:15:30.123456Z");
        assertThat(Micros.toRfc3339(Micros.of(Instant.parse("2025-07-18T20:42:34Z"))))
                .isEqualTo("2025-07-18T20:42:34Z");
    }

    @Test
    void handlesTimesBeforeTheEpoch() {
        Instant instant = Instant.parse("1969-12-31T23:59:59.999999Z");
        assertThat(Micros.toInstant(Micros.of(instant))).isEqualTo(instant);
    }
}
