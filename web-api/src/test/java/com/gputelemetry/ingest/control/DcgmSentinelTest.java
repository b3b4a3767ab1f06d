package com.gputelemetry.ingest.control;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DcgmSentinelTest {

    @ParameterizedTest
    @ValueSource(
            strings = {
                "9223372036854775794",
                "9223372036854775792",
                "2147483632",
                "2147483635",
                "140737488355328",
                "140737488355328.0"
            })
    void recognisesDcgmBlankValues(String value) {
        assertThat(DcgmSentinel.matches(value)).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "100", "699.5", "2147483631", "9223372036854775791", "2147483632.5", "n/a"})
    void leavesMeasurementsAlone(String value) {
        assertThat(DcgmSentinel.matches(value)).isFalse();
    }

    @Test
    void realValuesFromTheSampleAreNotSentinels() {
        assertThat(DcgmSentinel.matches("81559")).isFalse();
        assertThat(DcgmSentinel.matches("1755")).isFalse();
    }
}
