package com.gputelemetry.telemetry.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Random;
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

    @Test
    void theUsualUtcFormIsReadAsTheFormatterReadsIt() {
        var random = new Random(42);
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong(
                    Instant.parse("0000-01-01T00:00:00Z").getEpochSecond(),
                    Instant.parse("9999-12-31T23:59:59Z").getEpochSecond());
            Instant instant = Instant.ofEpochSecond(seconds, random.nextInt(1_000_000_000));
            String text = instant.toString();
            int fractionDigits = random.nextInt(10);
            String written = text.substring(0, 19)
                    + (fractionDigits == 0
                            ? ""
                            : "." + String.format("%09d", instant.getNano()).substring(0, fractionDigits))
                    + (random.nextBoolean() ? "Z" : "z");
            assertThat(Micros.parseRfc3339(written))
                    .as(written)
                    .isEqualTo(Micros.of(OffsetDateTime.parse(written.toUpperCase(Locale.ROOT))
                            .toInstant()));
        }
    }

    @Test
    void invalidTimesInTheUsualFormAreRefusedAsTheFormatterRefusesThem() {
        for (String invalid : List.of(
                "2026-02-29T00:00:00Z",
                "2026-04-31T00:00:00Z",
                "2026-13-01T00:00:00Z",
                "2026-11-22T24:00:00Z",
                "2026-11-22T10:60:00Z",
                "2026-11-22T10:15:61Z",
                "2026-11-22T10:15:30.1234567890Z",
                "2026-11-22T10:15:3a.123Z",
                "2026-11-22T10:15:30.12a4Z",
                "2026-11-22X10:15:30Z")) {
            assertThatThrownBy(() -> Micros.parseRfc3339(invalid))
                    .as(invalid)
                    .isInstanceOf(DateTimeParseException.class);
        }
        assertThat(Micros.parseRfc3339("2024-02-29T23:59:59.999999999Z"))
                .isEqualTo(Micros.of(Instant.parse("2024-02-29T23:59:59.999999Z")));
    }

    @Test
    void writesWhatInstantWrites() {
        var random = new Random(7);
        long from = Micros.of(Instant.parse("0000-01-01T00:00:00Z"));
        long to = Micros.of(Instant.parse("9999-12-31T23:59:59.999999Z"));
        for (int i = 0; i < 20_000; i++) {
            long micros = random.nextLong(from, to);
            // Whole seconds and whole milliseconds as often as any: they are written shorter.
            long written =
                    switch (i % 3) {
                        case 0 -> micros - Math.floorMod(micros, 1_000_000L);
                        case 1 -> micros - Math.floorMod(micros, 1_000L);
                        default -> micros;
                    };
            assertThat(Micros.toRfc3339(written))
                    .isEqualTo(Micros.toInstant(written).toString());
        }
        assertThat(Micros.toRfc3339(Micros.of(Instant.parse("+10000-01-01T00:00:00Z"))))
                .isEqualTo("+10000-01-01T00:00:00Z");
    }
}
