package com.gputelemetry.telemetry.entity;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
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
        String labels) {

    /** The queue topic that carries telemetry rows, partitioned by GPU UUID. */
    public static final String TOPIC = "telemetry";

    private static final CSVFormat PAYLOAD =
            CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get();

    public Gpu.Sighting sighting() {
        return new Gpu.Sighting(uuid, hostname, gpuIndex, device, model, labels, metric, timeMicros);
    }

    public TelemetryPoint toPoint() {
        return new TelemetryPoint(uuid, metric, timeMicros, value, sourceTimeMicros);
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
                + (labels == null ? 0 : labels.length());
        return 2 * text + 10 * 2 + 80;
    }

    public static String toPayload(List<TelemetryRow> rows) {
        var out = new StringBuilder(rows.size() * 160);
        try (var printer = new CSVPrinter(out, PAYLOAD)) {
            for (TelemetryRow row : rows) {
                printer.printRecord(
                        row.uuid,
                        row.metric,
                        row.timeMicros,
                        row.value,
                        row.hostname,
                        row.gpuIndex,
                        row.device,
                        row.model,
                        row.sourceTimeMicros == null ? "" : row.sourceTimeMicros,
                        row.labels == null ? "" : row.labels);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    public static List<TelemetryRow> fromPayload(String payload) {
        List<TelemetryRow> rows = new ArrayList<>();
        try (var parser = PAYLOAD.parse(new StringReader(payload))) {
            for (CSVRecord r : parser) {
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
                        r.get(9).isEmpty() ? null : r.get(9)));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return rows;
    }
}
