package com.gputelemetry.prometheus.control;

import com.gputelemetry.ingest.control.DcgmSentinel;
import com.gputelemetry.prometheus.entity.SkipReason;
import com.gputelemetry.prometheus.entity.TimeSeries;
import com.gputelemetry.telemetry.entity.TelemetryRow;
import com.gputelemetry.telemetry.entity.Workload;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Turns remote-written series into telemetry rows, as the CSV columns are read: a GPU series is one that carries the
 * labels dcgm-exporter writes for every GPU; its samples keep their own timestamps, the workload labels
 * ({@code namespace}, {@code pod}, {@code container}) go with each point, and all its other labels but the name are kept
 * with the GPU ({@code job} and {@code instance} too, as Prometheus added them). Everything else is counted by reason
 * and not stored.
 */
public final class GpuSamples {

    /** Years 0001 to 9999, the range the CSV path accepts. */
    private static final long EARLIEST_MILLIS = -62_135_596_800_000L;

    private static final long LATEST_MILLIS = 253_402_300_799_999L;

    /** The widths of the columns the values are stored in (migration V2), as the CSV path checks them. */
    private static final int UUID_CHARS = 64;

    private static final int METRIC_CHARS = 128;
    private static final int HOSTNAME_CHARS = 255;
    private static final int DEVICE_CHARS = 64;
    private static final int MODEL_CHARS = 255;
    private static final int LABELS_CHARS = 4000;

    private final List<TelemetryRow> rows = new ArrayList<>();
    private final Map<SkipReason, Long> skipped = new EnumMap<>(SkipReason.class);

    public static GpuSamples of(List<TimeSeries> series) {
        var samples = new GpuSamples();
        series.forEach(samples::add);
        return samples;
    }

    public List<TelemetryRow> rows() {
        return rows;
    }

    public Map<SkipReason, Long> skipped() {
        return skipped;
    }

    private void add(TimeSeries series) {
        Map<String, String> labels = series.labels();
        String uuid = labels.get("UUID");
        String hostname = labels.getOrDefault("Hostname", labels.get("hostname"));
        String device = labels.get("device");
        String model = labels.get("modelName");
        Integer gpu = index(labels.get("gpu"));
        if (uuid == null || hostname == null || device == null || model == null || gpu == null) {
            skip(SkipReason.NOT_A_GPU_SERIES, series.samples().size());
            return;
        }
        Workload workload = Workload.of(labels.get("namespace"), labels.get("pod"), labels.get("container"));
        String kept = gpuLabels(labels);
        if ((workload != null && workload.tooLong() != null)
                || uuid.length() > UUID_CHARS
                || series.name().length() > METRIC_CHARS
                || hostname.length() > HOSTNAME_CHARS
                || device.length() > DEVICE_CHARS
                || model.length() > MODEL_CHARS
                || kept.length() > LABELS_CHARS) {
            skip(SkipReason.TOO_LONG, series.samples().size());
            return;
        }
        for (TimeSeries.Sample sample : series.samples()) {
            SkipReason reason = unusable(sample);
            if (reason != null) {
                skip(reason, 1);
                continue;
            }
            var row = new TelemetryRow(
                    uuid,
                    series.name(),
                    sample.timestampMillis() * 1000,
                    sample.value() + 0.0, // -0 is 0, as on the CSV path
                    hostname,
                    gpu,
                    device,
                    model,
                    null,
                    kept,
                    workload);
            rows.add(sample.isStalenessMarker() ? TelemetryRow.staleMarker(row, row.timeMicros()) : row);
        }
    }

    private static SkipReason unusable(TimeSeries.Sample sample) {
        if (sample.isStalenessMarker()) {
            return timeOutOfRange(sample) ? SkipReason.TIME_OUT_OF_RANGE : null;
        }
        if (!Double.isFinite(sample.value())) {
            return SkipReason.NOT_FINITE;
        }
        if (DcgmSentinel.matches(sample.value())) {
            return SkipReason.DCGM_BLANK;
        }
        return timeOutOfRange(sample) ? SkipReason.TIME_OUT_OF_RANGE : null;
    }

    private static boolean timeOutOfRange(TimeSeries.Sample sample) {
        return sample.timestampMillis() < EARLIEST_MILLIS || sample.timestampMillis() > LATEST_MILLIS;
    }

    private void skip(SkipReason reason, long samples) {
        if (samples > 0) {
            skipped.merge(reason, samples, Long::sum);
        }
    }

    private static Integer index(String text) {
        try {
            return text == null ? null : Integer.valueOf(text);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /**
     * The labels that belong to the GPU rather than to a point (not the name, not the workload's), in the form the CSV's
     * {@code labels_raw} has: {@code name="value"} by name, comma-separated, values escaped.
     */
    private static String gpuLabels(Map<String, String> labels) {
        return labels.entrySet().stream()
                .filter(label -> !label.getKey().equals(TimeSeries.NAME) && !Workload.LABELS.contains(label.getKey()))
                .map(label -> label.getKey() + "=\"" + escaped(label.getValue()) + "\"")
                .collect(Collectors.joining(","));
    }

    private static String escaped(String value) {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
