package com.gputelemetry.telemetry.entity;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class TelemetryRowTest {

    @Test
    void rowsSurviveTheTripThroughAQueuePayload() {
        var rows = List.of(
                new TelemetryRow(
                        "GPU-1",
                        "DCGM_FI_DEV_POWER_USAGE",
                        1_767_225_600_123_456L,
                        112.25,
                        "host-a",
                        0,
                        "nvidia0",
                        "NVIDIA H100 80GB HBM3",
                        1_752_871_354_000_000L,
                        "DCGM_FI_DRIVER_VERSION=\"535.129.03\",Hostname=\"host-a\",gpu=\"0\""),
                new TelemetryRow(
                        "GPU-2",
                        "DCGM_FI_DEV_GPU_TEMP",
                        1L,
                        -1.5,
                        "host, with comma",
                        7,
                        "nvidia7",
                        "A100",
                        null,
                        null));

        assertThat(TelemetryRow.fromPayload(TelemetryRow.toPayload(rows))).isEqualTo(rows);
        for (TelemetryRow row : rows) {
            assertThat(TelemetryRow.toPayload(List.of(row)).length()).isLessThanOrEqualTo(row.payloadCharsAtMost());
        }
        var quotesOnly = new TelemetryRow(
                "\"\"",
                "\"",
                Long.MIN_VALUE,
                -Double.MAX_VALUE,
                "\"",
                Integer.MIN_VALUE,
                "\"",
                "\"",
                Long.MIN_VALUE,
                "\"".repeat(4000));
        assertThat(TelemetryRow.toPayload(List.of(quotesOnly)).length())
                .as("the worst case: every character a quote, every number at its longest")
                .isLessThanOrEqualTo(quotesOnly.payloadCharsAtMost());
    }

    @Test
    void aRowBecomesAPointAndASightingOfItsGpu() {
        var row = new TelemetryRow(
                "GPU-1", "DCGM_FI_DEV_GPU_TEMP", 2_000_000L, 41, "host-a", 2, "nvidia2", "H100", null, null);

        assertThat(row.toPoint().getMetric()).isEqualTo("DCGM_FI_DEV_GPU_TEMP");
        assertThat(row.toPoint().getValue()).isEqualTo(41);
        assertThat(row.toPoint().getTimestamp()).isEqualTo("1970-01-01T00:00:02Z");
        assertThat(row.sighting().gpuIndex()).isEqualTo(2);
        assertThat(row.sighting().timeMicros()).isEqualTo(2_000_000L);
    }
}
