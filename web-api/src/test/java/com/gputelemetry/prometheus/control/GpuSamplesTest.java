package com.gputelemetry.prometheus.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import com.gputelemetry.prometheus.entity.SkipReason;
import com.gputelemetry.prometheus.entity.TimeSeries;
import com.gputelemetry.telemetry.entity.TelemetryRow;
import com.gputelemetry.telemetry.entity.Workload;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class GpuSamplesTest {

    private static final long MILLIS = 1_752_871_354_000L;

    /** The labels dcgm-exporter writes for a GPU, as Prometheus forwards them (with job and instance). */
    private static TreeMap<String, String> gpuLabels(String metric) {
        var labels = new TreeMap<String, String>();
        labels.put("__name__", metric);
        labels.put("DCGM_FI_DRIVER_VERSION", "535.129.03");
        labels.put("Hostname", "mtv5-dgx1-hgpu-031");
        labels.put("UUID", "GPU-5fd4f087-86f3-7a43-b711-4771313afc50");
        labels.put("device", "nvidia0");
        labels.put("gpu", "0");
        labels.put("instance", "mtv5-dgx1-hgpu-031:9400");
        labels.put("job", "dcgm");
        labels.put("modelName", "NVIDIA H100 80GB HBM3");
        labels.put("pod", "trainer-\"7\"");
        return labels;
    }

    @Test
    void aGpuSeriesBecomesRowsWithTheSamplesOwnTimesAndEveryLabelButTheName() {
        var series = new TimeSeries(
                gpuLabels("DCGM_FI_DEV_GPU_TEMP"),
                List.of(new TimeSeries.Sample(41, MILLIS), new TimeSeries.Sample(-0.0, MILLIS + 30_000)));

        GpuSamples samples = GpuSamples.of(List.of(series));

        assertThat(samples.skipped()).isEmpty();
        String labels = "DCGM_FI_DRIVER_VERSION=\"535.129.03\",Hostname=\"mtv5-dgx1-hgpu-031\","
                + "UUID=\"GPU-5fd4f087-86f3-7a43-b711-4771313afc50\",device=\"nvidia0\",gpu=\"0\","
                + "instance=\"mtv5-dgx1-hgpu-031:9400\",job=\"dcgm\",modelName=\"NVIDIA H100 80GB HBM3\"";
        // The pod is the point's: the GPU serves another one tomorrow.
        Workload pod = Workload.of(null, "trainer-\"7\"", null);
        assertThat(samples.rows())
                .containsExactly(
                        row("DCGM_FI_DEV_GPU_TEMP", MILLIS * 1000, 41, labels, pod),
                        row("DCGM_FI_DEV_GPU_TEMP", (MILLIS + 30_000) * 1000, 0, labels, pod));
        assertThat(Double.doubleToRawLongBits(samples.rows().get(1).value())).isZero();
    }

    @Test
    void newerExportersLowercaseHostnameIsTheHostToo() {
        TreeMap<String, String> labels = gpuLabels("DCGM_FI_DEV_SM_CLOCK");
        labels.put("hostname", labels.remove("Hostname"));

        GpuSamples samples = GpuSamples.of(List.of(new TimeSeries(labels, List.of(new TimeSeries.Sample(1980, 1)))));

        assertThat(samples.rows())
                .singleElement()
                .extracting(TelemetryRow::hostname)
                .isEqualTo("mtv5-dgx1-hgpu-031");
    }

    @Test
    void seriesWithoutTheLabelsOfAGpuAreCountedAndNotStored() {
        var up = new TreeMap<String, String>();
        up.put("__name__", "up");
        up.put("job", "dcgm");
        TreeMap<String, String> noIndex = gpuLabels("DCGM_FI_DEV_GPU_UTIL");
        noIndex.put("gpu", "first");
        TreeMap<String, String> noUuid = gpuLabels("DCGM_FI_DEV_GPU_UTIL");
        noUuid.remove("UUID");
        List<TimeSeries.Sample> two = List.of(new TimeSeries.Sample(1, 1), new TimeSeries.Sample(1, 2));

        GpuSamples samples = GpuSamples.of(
                List.of(new TimeSeries(up, two), new TimeSeries(noIndex, two), new TimeSeries(noUuid, two)));

        assertThat(samples.rows()).isEmpty();
        assertThat(samples.skipped()).containsExactly(entry(SkipReason.NOT_A_GPU_SERIES, 6L));
    }

    @Test
    void nonFiniteValuesDcgmBlanksAndFarTimesAreCountedAndNotStoredAndAStalenessMarkerEndsItsSeries() {
        List<TimeSeries.Sample> samples = new ArrayList<>(List.of(
                new TimeSeries.Sample(Double.longBitsToDouble(0x7ff0000000000002L), MILLIS + 1),
                new TimeSeries.Sample(Double.NaN, MILLIS),
                new TimeSeries.Sample(Double.POSITIVE_INFINITY, MILLIS),
                new TimeSeries.Sample(9223372036854775794.0, MILLIS),
                new TimeSeries.Sample(2147483634, MILLIS),
                new TimeSeries.Sample(140737488355328.0, MILLIS),
                new TimeSeries.Sample(5, 253_402_300_800_000L),
                new TimeSeries.Sample(5, -62_135_596_800_001L),
                new TimeSeries.Sample(2147483631, MILLIS)));

        GpuSamples taken = GpuSamples.of(List.of(new TimeSeries(gpuLabels("DCGM_FI_DEV_FB_FREE"), samples)));

        assertThat(taken.rows())
                .extracting(row -> row.timeMicros() + " " + row.value() + " " + row.isStaleMarker())
                .containsExactly((MILLIS + 1) * 1000 + " NaN true", MILLIS * 1000 + " 2.147483631E9 false");
        assertThat(taken.skipped())
                .as("the ordinary NaN is no marker: refused as on the CSV path")
                .containsExactly(
                        entry(SkipReason.NOT_FINITE, 2L),
                        entry(SkipReason.DCGM_BLANK, 3L),
                        entry(SkipReason.TIME_OUT_OF_RANGE, 2L));
    }

    @Test
    void aSeriesWhoseLabelsExceedTheirColumnsIsCountedAndNotStored() {
        TreeMap<String, String> labels = gpuLabels("DCGM_FI_DEV_GPU_UTIL");
        labels.put("annotation", "x".repeat(4000));

        GpuSamples samples = GpuSamples.of(List.of(new TimeSeries(labels, List.of(new TimeSeries.Sample(1, 1)))));

        assertThat(samples.rows()).isEmpty();
        assertThat(samples.skipped()).containsExactly(entry(SkipReason.TOO_LONG, 1L));
    }

    private static TelemetryRow row(String metric, long micros, double value, String labels, Workload workload) {
        return new TelemetryRow(
                "GPU-5fd4f087-86f3-7a43-b711-4771313afc50",
                metric,
                micros,
                value,
                "mtv5-dgx1-hgpu-031",
                0,
                "nvidia0",
                "NVIDIA H100 80GB HBM3",
                null,
                labels,
                workload);
    }
}
