package com.gputelemetry.telemetry.entity;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;
import org.apache.commons.csv.CSVRecord;

/**
 * One validated telemetry row: what the ingest boundary accepts and what travels through the queue to the
 * collectors, many rows to a queue record, written as CSV.
 */
public record TelemetryRow(
        String uuid,
        String metric,
        long timeMicros,
        double value,
        String hostname,
        int gpuIndex,
        String device,
        String model,
        Long sourceTimeMicros,
        String labels,
        Workload workload) {

    /** The queue topic that carries telemetry rows, partitioned by GPU UUID. */
    public static final String TOPIC = "telemetry";

    /** A row of a GPU no workload holds. */
    public TelemetryRow(
            String uuid,
            String metric,
            long timeMicros,
            double value,
            String hostname,
            int gpuIndex,
            String device,
            String model,
            Long sourceTimeMicros,
            String labels) {
        this(uuid, metric, timeMicros, value, hostname, gpuIndex, device, model, sourceTimeMicros, labels, null);
    }

    private static final CSVFormat PAYLOAD =
            CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get();

    /**
     * A Prometheus staleness marker for the series of this row's GPU, metric and workload, rather than a measurement.
     * Inside the pipeline NaN means only that: every path that takes measurements refuses NaN.
     */
    public static TelemetryRow staleMarker(TelemetryRow series, long timeMicros) {
        return new TelemetryRow(
                series.uuid,
                series.metric,
                timeMicros,
                Double.NaN,
                series.hostname,
                series.gpuIndex,
                series.device,
                series.model,
                null,
                series.labels,
                series.workload);
    }

    /** Whether this row is a staleness marker ({@link #staleMarker}), not a measurement. */
    public boolean isStaleMarker() {
        return Double.isNaN(value);
    }

    public Gpu.Sighting sighting() {
        return new Gpu.Sighting(uuid, hostname, gpuIndex, device, model, labels, metric, timeMicros);
    }

    /** The series this row's point belongs to. */
    public TelemetrySeries series() {
        return new TelemetrySeries(uuid, metric, workload == null ? TelemetrySeries.NO_WORKLOAD : workload.id());
    }

    public TelemetryPoint toPoint() {
        return new TelemetryPoint(series().id(), timeMicros, value, sourceTimeMicros);
    }

    /**
     * An upper bound of this row's length in a payload: its text fields, each possibly quoted with every quote
     * doubled, and the numbers, separators and line end.
     */
    public int payloadCharsAtMost() {
        int text = uuid.length()
                + metric.length()
                + hostname.length()
                + device.length()
                + model.length()
                + (labels == null ? 0 : labels.length())
                + (workload == null
                        ? 0
                        : workload.namespace().length()
                                + workload.pod().length()
                                + workload.container().length());
        return 2 * text + 10 * 2 + 80;
    }

    /**
     * The rows as a queue payload, compact: the rows sorted by GPU (stably, so each GPU's rows keep their order), and a
     * GPU's placement (host, index, device, model, labels: most of a row's bytes) written once for its run of rows
     * rather than on every row. A placement line has 6 fields (9 with the workload: namespace, pod, container), a point
     * line 4.
     */
    public static String toPayload(List<TelemetryRow> rows) {
        List<TelemetryRow> byGpu = new ArrayList<>(rows);
        byGpu.sort(Comparator.comparing(TelemetryRow::uuid));
        var out = new StringBuilder(rows.size() * 64);
        try (var printer = new CSVPrinter(out, PAYLOAD)) {
            TelemetryRow placed = null;
            for (TelemetryRow row : byGpu) {
                if (placed == null || !row.samePlacement(placed)) {
                    List<Object> placement = new ArrayList<>(List.of(
                            row.uuid,
                            row.hostname,
                            row.gpuIndex,
                            row.device,
                            row.model,
                            row.labels == null ? "" : row.labels));
                    if (row.workload != null) {
                        placement.addAll(
                                List.of(row.workload.namespace(), row.workload.pod(), row.workload.container()));
                    }
                    printer.printRecord(placement);
                    placed = row;
                }
                printer.printRecord(
                        row.metric,
                        row.timeMicros,
                        row.value,
                        row.sourceTimeMicros == null ? "" : row.sourceTimeMicros);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /**
     * Reads a payload of {@link #toPayload}, and also the one-line-per-row form (10 fields) of earlier versions, which
     * may still wait in a log or among the dead letters after an upgrade.
     *
     * @throws IllegalArgumentException for anything else: the record cannot be stored and goes to the dead letters
     */
    public static List<TelemetryRow> fromPayload(String payload) {
        List<TelemetryRow> rows = new ArrayList<>();
        try (var parser = PAYLOAD.parse(new StringReader(payload))) {
            TelemetryRow placement = null;
            for (CSVRecord r : parser) {
                switch (r.size()) {
                    case 6, 9 ->
                        placement = new TelemetryRow(
                                r.get(0),
                                "",
                                0,
                                0,
                                r.get(1),
                                Integer.parseInt(r.get(2)),
                                r.get(3),
                                r.get(4),
                                null,
                                emptyAsNull(r.get(5)),
                                r.size() == 9 ? Workload.of(r.get(6), r.get(7), r.get(8)) : null);
                    case 4 -> {
                        if (placement == null) {
                            throw new IllegalArgumentException(
                                    "payload line " + r.getRecordNumber() + ": a point before any GPU placement");
                        }
                        rows.add(new TelemetryRow(
                                placement.uuid,
                                r.get(0),
                                Long.parseLong(r.get(1)),
                                Double.parseDouble(r.get(2)),
                                placement.hostname,
                                placement.gpuIndex,
                                placement.device,
                                placement.model,
                                r.get(3).isEmpty() ? null : Long.valueOf(r.get(3)),
                                placement.labels,
                                placement.workload));
                    }
                    case 10 ->
                        rows.add(new TelemetryRow(
                                r.get(0),
                                r.get(1),
                                Long.parseLong(r.get(2)),
                                Double.parseDouble(r.get(3)),
                                r.get(4),
                                Integer.parseInt(r.get(5)),
                                r.get(6),
                                r.get(7),
                                r.get(8).isEmpty() ? null : Long.valueOf(r.get(8)),
                                emptyAsNull(r.get(9))));
                    default ->
                        throw new IllegalArgumentException("payload line " + r.getRecordNumber() + " has " + r.size()
                                + " fields, not 4, 6, 9 or 10");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }

    private boolean samePlacement(TelemetryRow other) {
        return uuid.equals(other.uuid)
                && hostname.equals(other.hostname)
                && gpuIndex == other.gpuIndex
                && device.equals(other.device)
                && model.equals(other.model)
                && Objects.equals(labels, other.labels)
                && Objects.equals(workload, other.workload);
    }

    private static String emptyAsNull(String text) {
        return text.isEmpty() ? null : text;
    }
}
