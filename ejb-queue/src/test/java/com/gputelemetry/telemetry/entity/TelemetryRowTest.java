package com.gputelemetry.telemetry.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
    void aGpusPlacementIsWrittenOncePerRunOfItsRowsAndEachGpuKeepsTheOrderOfItsRows() {
        String labels = "DCGM_FI_DRIVER_VERSION=\"535.129.03\",Hostname=\"host-a\"";
        var firstOfTwo = row("GPU-2", "DCGM_FI_DEV_GPU_TEMP", 3L, "host-a", labels);
        var one = row("GPU-1", "DCGM_FI_DEV_GPU_UTIL", 1L, "host-a", labels);
        var secondOfTwo = row("GPU-2", "DCGM_FI_DEV_GPU_UTIL", 2L, "host-a", labels);
        var movedOfTwo = row("GPU-2", "DCGM_FI_DEV_POWER_USAGE", 4L, "host-b", null);

        String payload = TelemetryRow.toPayload(List.of(firstOfTwo, one, secondOfTwo, movedOfTwo));

        assertThat(TelemetryRow.fromPayload(payload)).containsExactly(one, firstOfTwo, secondOfTwo, movedOfTwo);
        assertThat(payload.lines())
                .as("GPU-1's placement, its point, GPU-2's, two points, its new placement, its point")
                .hasSize(7);
        assertThat(payload.split("535\\.129\\.03", -1))
                .as("the labels written once per GPU")
                .hasSize(3);
    }

    @Test
    void eachPointKeepsItsWorkloadAndAChangeOfPodStartsANewPlacement() {
        var training = Workload.of("training", "llm-0", "trainer");
        var serving = Workload.of("serving", "vllm-\"quoted\", with comma", "");
        var rows = List.of(
                withWorkload(row("GPU-1", "DCGM_FI_DEV_GPU_UTIL", 1L, "host-a", null), training),
                withWorkload(row("GPU-1", "DCGM_FI_DEV_GPU_TEMP", 1L, "host-a", null), training),
                withWorkload(row("GPU-1", "DCGM_FI_DEV_GPU_UTIL", 2L, "host-a", null), serving),
                row("GPU-1", "DCGM_FI_DEV_GPU_UTIL", 3L, "host-a", null));

        String payload = TelemetryRow.toPayload(rows);

        assertThat(TelemetryRow.fromPayload(payload)).containsExactlyElementsOf(rows);
        assertThat(payload.lines())
                .as("a placement for each workload, and one without")
                .hasSize(7);
        for (TelemetryRow row : rows) {
            assertThat(TelemetryRow.toPayload(List.of(row)).length()).isLessThanOrEqualTo(row.payloadCharsAtMost());
        }
        assertThat(Workload.of("", " ", null))
                .as("blank labels name no workload")
                .isNull();
        assertThat(training.id())
                .isPositive()
                .isEqualTo(Workload.of("training", "llm-0", "trainer").id());
        assertThat(training.id())
                .isNotEqualTo(Workload.of("training", "llm-0", "").id());
    }

    private static TelemetryRow withWorkload(TelemetryRow row, Workload workload) {
        return new TelemetryRow(
                row.uuid(),
                row.metric(),
                row.timeMicros(),
                row.value(),
                row.hostname(),
                row.gpuIndex(),
                row.device(),
                row.model(),
                row.sourceTimeMicros(),
                row.labels(),
                workload);
    }

    @Test
    void aPayloadOfEarlierVersionsOneRowPerLineIsStillRead() {
        String earlier = "GPU-1,DCGM_FI_DEV_GPU_TEMP,2000000,41.0,host-a,2,nvidia2,H100,,\n"
                + "GPU-1,DCGM_FI_DEV_GPU_UTIL,2000000,7.0,host-a,2,nvidia2,H100,1000000,\"gpu=\"\"2\"\"\"\n";

        assertThat(TelemetryRow.fromPayload(earlier))
                .containsExactly(
                        new TelemetryRow(
                                "GPU-1",
                                "DCGM_FI_DEV_GPU_TEMP",
                                2_000_000L,
                                41,
                                "host-a",
                                2,
                                "nvidia2",
                                "H100",
                                null,
                                null),
                        new TelemetryRow(
                                "GPU-1",
                                "DCGM_FI_DEV_GPU_UTIL",
                                2_000_000L,
                                7,
                                "host-a",
                                2,
                                "nvidia2",
                                "H100",
                                1_000_000L,
                                "gpu=\"2\""));
    }

    @Test
    void anythingElseIsRefusedWithTheLineThatIsWrong() {
        assertThatThrownBy(() -> TelemetryRow.fromPayload("GPU-1,a,b\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("payload line 1 has 3 fields, not 4, 6, 9 or 10");
        assertThatThrownBy(() -> TelemetryRow.fromPayload("DCGM_FI_DEV_GPU_TEMP,1,2.0,\n"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("payload line 1: a point before any GPU placement");
    }

    private static TelemetryRow row(String uuid, String metric, long time, String hostname, String labels) {
        return new TelemetryRow(uuid, metric, time, 1.5, hostname, 0, "nvidia0", "H100", null, labels);
    }

    @Test
    void aRowBecomesAPointAndASightingOfItsGpu() {
        var row = new TelemetryRow(
                "GPU-1", "DCGM_FI_DEV_GPU_TEMP", 2_000_000L, 41, "host-a", 2, "nvidia2", "H100", null, null);

        assertThat(row.toPoint().seriesId())
                .as("the series of the GPU's metric, without a workload")
                .isEqualTo(TelemetrySeries.idOf("GPU-1", "DCGM_FI_DEV_GPU_TEMP", TelemetrySeries.NO_WORKLOAD))
                .isEqualTo(row.series().id());
        assertThat(row.toPoint().getValue()).isEqualTo(41);
        assertThat(row.toPoint().getTimestamp()).isEqualTo("1970-01-01T00:00:02Z");
        assertThat(row.sighting().gpuIndex()).isEqualTo(2);
        assertThat(row.sighting().timeMicros()).isEqualTo(2_000_000L);
    }
}
