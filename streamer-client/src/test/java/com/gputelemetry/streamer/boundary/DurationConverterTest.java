package com.gputelemetry.streamer.boundary;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class DurationConverterTest {

    private final StreamerCommand.DurationConverter converter = new StreamerCommand.DurationConverter();

    @Test
    void readsTheUsualUnits() {
        assertThat(converter.convert("100ms")).isEqualTo(Duration.ofMillis(100));
        assertThat(converter.convert("2s")).isEqualTo(Duration.ofSeconds(2));
        assertThat(converter.convert("5m")).isEqualTo(Duration.ofMinutes(5));
        assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(converter.convert("250")).isEqualTo(Duration.ofMillis(250));
    }

    @Test
    void explainsWhatItExpects() {
        assertThatThrownBy(() -> converter.convert("soon"))
                .isInstanceOf(CommandLine.TypeConversionException.class)
                .hasMessageContaining("100ms");
    }
}
