package com.gputelemetry.streamer.entity;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVPrinter;

/**
 * Rows stamped with the time they were processed, sent as one CSV body under one producer sequence. A retry sends
 * the very same body and sequence, so the server can recognise it.
 */
public class Batch {

    static final String[] HEADER = {
        "timestamp",
        "metric_name",
        "gpu_id",
        "device",
        "uuid",
        "modelName",
        "Hostname",
        "value",
        "labels_raw",
        "source_timestamp"
    };
    private static final CSVFormat FORMAT =
            CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get();

    private final long sequence;
    private final List<String[]> records = new ArrayList<>();

    public Batch(long sequence) {
        this.sequence = sequence;
    }

    /** Stamps the row with {@code processedAt}, its timestamp from now on; the file's own time travels along. */
    public void add(CsvRow row, Instant processedAt) {
        records.add(new String[] {
            processedAt.toString(),
            row.metric(),
            row.gpuId(),
            row.device(),
            row.uuid(),
            row.model(),
            row.hostname(),
            row.value(),
            row.labels() == null ? "" : row.labels(),
            row.sourceTimestamp()
        });
    }

    public long sequence() {
        return sequence;
    }

    public int size() {
        return records.size();
    }

    public boolean isEmpty() {
        return records.isEmpty();
    }

    public String toCsv() {
        var out = new StringBuilder(records.size() * 200);
        try (var printer = new CSVPrinter(out, FORMAT)) {
            printer.printRecord((Object[]) HEADER);
            for (String[] record : records) {
                printer.printRecord((Object[]) record);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
