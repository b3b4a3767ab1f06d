package com.gputelemetry.ingest.control;

import com.gputelemetry.ingest.entity.RowRejection;
import com.gputelemetry.telemetry.entity.Micros;
import com.gputelemetry.telemetry.entity.TelemetryRow;
import com.gputelemetry.telemetry.entity.Workload;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Reads a posted CSV batch in DCGM's column layout. Columns are found by name, in any order and case; a row that
 * cannot be used is rejected with its line number and the reason, and the other rows go on.
 */
public class CsvBatchReader {

    static final List<String> REQUIRED =
            List.of("timestamp", "metric_name", "gpu_id", "device", "uuid", "modelName", "Hostname", "value");
    /** The exporter's own time, when the producer stamped {@code timestamp} with the processing time. */
    static final String SOURCE_TIMESTAMP = "source_timestamp";

    static final String LABELS = "labels_raw";

    /** What the body's decoding puts where its bytes were not UTF-8. */
    private static final char NOT_UTF8 = '\uFFFD';

    /** The widths of the columns the values are stored in (migration V2). */
    private static final Map<String, Integer> MAX_LENGTHS = Map.of(
            "uuid",
            64,
            "metric_name",
            128,
            "Hostname",
            255,
            "device",
            64,
            "modelName",
            255,
            LABELS,
            4000,
            "namespace",
            Workload.MAX_LENGTH,
            "pod",
            Workload.MAX_LENGTH,
            "container",
            Workload.MAX_LENGTH);

    private static final CSVFormat FORMAT = CSVFormat.DEFAULT
            .builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .setIgnoreHeaderCase(true)
            .setIgnoreEmptyLines(true)
            .setAllowMissingColumnNames(true)
            .setTrim(true)
            .get();

    /** @throws InvalidCsvException when the header lacks a required column: no row could be read. */
    public CsvBatch read(String body) {
        String text = body.startsWith("\uFEFF") ? body.substring(1) : body;
        if (!text.endsWith("\n")) {
            // So that the parser's line count after each record is that record's line, the last one included.
            text = text + "\n";
        }
        try (CSVParser parser = FORMAT.parse(new StringReader(text))) {
            Map<String, Integer> columns = columns(parser.getHeaderNames());
            List<TelemetryRow> rows = new ArrayList<>();
            List<RowRejection> rejections = new ArrayList<>();
            var records = parser.iterator();
            long lastLine = 1;
            while (true) {
                CSVRecord record;
                try {
                    if (!records.hasNext()) {
                        break;
                    }
                    record = records.next();
                } catch (UncheckedIOException unreadable) {
                    // The rest cannot be split into rows (a quote never closed swallows it); the rows before stand.
                    rejections.add(
                            new RowRejection(
                                    lastLine + 1,
                                    "a quoted field starting on this line is never closed; the rest of the batch was not read"));
                    break;
                }
                long line = parser.getCurrentLineNumber();
                lastLine = line;
                try {
                    rows.add(row(record, columns, parser.getHeaderNames().size()));
                } catch (IllegalArgumentException | DateTimeParseException e) {
                    rejections.add(new RowRejection(line, e.getMessage()));
                }
            }
            return new CsvBatch(rows, rejections);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (IllegalArgumentException | IllegalStateException e) {
            // Commons CSV reports a malformed header (duplicate names, broken quoting) this way.
            throw new InvalidCsvException(e.getMessage());
        }
    }

    private static Map<String, Integer> columns(List<String> header) {
        if (header.isEmpty()) {
            throw new InvalidCsvException("the body has no CSV header line");
        }
        Map<String, Integer> columns = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (int i = 0; i < header.size(); i++) {
            columns.putIfAbsent(header.get(i), i);
        }
        List<String> missing =
                REQUIRED.stream().filter(name -> !columns.containsKey(name)).toList();
        if (!missing.isEmpty()) {
            throw new InvalidCsvException("the CSV header lacks the required column(s) " + String.join(", ", missing));
        }
        return columns;
    }

    private static TelemetryRow row(CSVRecord record, Map<String, Integer> columns, int headerSize) {
        if (record.size() != headerSize) {
            throw new IllegalArgumentException("expected " + headerSize + " fields, found " + record.size());
        }
        String value = required(record, columns, "value");
        if (DcgmSentinel.matches(value)) {
            throw new IllegalArgumentException(
                    "value " + value + " is DCGM's 'not supported' sentinel, not a measurement");
        }
        double number;
        try {
            number = Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("value is not a number: '" + value + "'");
        }
        if (!Double.isFinite(number)) {
            throw new IllegalArgumentException("value is not a finite number: '" + value + "'");
        }
        // -0 measures what 0 does; H2 stores it as 0 where PostgreSQL keeps the sign, so it is 0 from here on and
        // reads back alike from either.
        number += 0.0;
        String gpuId = required(record, columns, "gpu_id");
        int gpuIndex;
        try {
            gpuIndex = Integer.parseInt(gpuId);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("gpu_id is not an integer: '" + gpuId + "'");
        }
        return new TelemetryRow(
                required(record, columns, "uuid"),
                required(record, columns, "metric_name"),
                time(required(record, columns, "timestamp"), "timestamp"),
                number,
                required(record, columns, "Hostname"),
                gpuIndex,
                required(record, columns, "device"),
                required(record, columns, "modelName"),
                optional(record, columns, SOURCE_TIMESTAMP) == null
                        ? null
                        : time(optional(record, columns, SOURCE_TIMESTAMP), SOURCE_TIMESTAMP),
                optional(record, columns, LABELS),
                Workload.of(
                        optional(record, columns, "namespace"),
                        optional(record, columns, "pod"),
                        optional(record, columns, "container")));
    }

    private static String required(CSVRecord record, Map<String, Integer> columns, String name) {
        String value = record.get(columns.get(name));
        if (value.isEmpty()) {
            throw new IllegalArgumentException(name + " is empty");
        }
        return fitting(name, value);
    }

    private static String optional(CSVRecord record, Map<String, Integer> columns, String name) {
        Integer column = columns.get(name);
        if (column == null || record.get(column).isEmpty()) {
            return null;
        }
        return fitting(name, record.get(column));
    }

    /**
     * A value longer than its database column could never be stored: refused here, with the row's line, rather than
     * failing in the collectors and ending among the dead letters. Bytes of the body that were not UTF-8 arrive as
     * U+FFFD: such a value would be stored as something the producer never sent, so the row is refused instead.
     */
    private static String fitting(String name, String value) {
        if (value.indexOf(NOT_UTF8) >= 0) {
            throw new IllegalArgumentException(name + " is not UTF-8 text");
        }
        Integer max = MAX_LENGTHS.get(name);
        if (max != null && value.length() > max) {
            throw new IllegalArgumentException(name + " is longer than " + max + " characters");
        }
        return value;
    }

    private static long time(String text, String column) {
        try {
            return Micros.parseRfc3339(text);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(column + " is not an RFC 3339 time: '" + text + "'");
        }
    }
}
