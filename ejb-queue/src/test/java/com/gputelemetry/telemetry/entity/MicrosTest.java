package com.gputelemetry.telemetry.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.format.DateTimeParseException;
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

    @Test
    void readsRfc3339WithAnyOffsetAndCase() {
        assertThat(Micros.parseRfc3339("2026-11-22T10:15:30.123456Z"))
                .isEqualTo(Micros.of(Instant.parse("2026-11-22T10:15:30.123456Z")));
        assertThat(Micros.parseRfc3339("2026-11-22t12:15:30+02:00"))
                .isEqualTo(Micros.of(Instant.parse("2026-11-22T10:15:30Z")));
        assertThat(Micros.parseRfc3339("2026-11-22T10:15:30z"))
                .isEqualTo(Micros.of(Instant.parse("2026-11-22T10:15:30Z")));
        assertThatThrownBy(() -> Micros.parseRfc3339("2026-11-22 10:15")).isInstanceOf(DateTimeParseException.class);
    }
}
