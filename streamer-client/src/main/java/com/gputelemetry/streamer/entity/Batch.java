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
        "container",
        "pod",
        "namespace",
        "labels_raw",
        "source_timestamp"
    };
    private static final CSVFormat FORMAT =
            CSVFormat.DEFAULT.builder().setRecordSeparator('\n').get();

    private final long sequence;
    private final List<String[]> records = new ArrayList<>();
    private int size;
    private String csv;

    public Batch(long sequence) {
        this.sequence = sequence;
    }

    /** A batch sent before a restart, exactly as it was sent. */
    public static Batch restored(long sequence, int size, String csv) {
        var batch = new Batch(sequence);
        batch.size = size;
        batch.csv = csv;
        return batch;
    }

    /** Stamps the row with {@code processedAt}, its timestamp from now on; the file's own time travels along. */
    public void add(CsvRow row, Instant processedAt) {
        if (csv != null) {
            throw new IllegalStateException("batch " + sequence + " was sent already");
        }
        records.add(new String[] {
            processedAt.toString(),
            row.metric(),
            row.gpuId(),
            row.device(),
            row.uuid(),
            row.model(),
            row.hostname(),
            row.value(),
            row.container(),
            row.pod(),
            row.namespace(),
            row.labels(),
            row.sourceTimestamp()
        });
        size++;
    }

    public long sequence() {
        return sequence;
    }

    public int size() {
        return size;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** The body to send; built once, so that every retry sends the very same bytes. */
    public String toCsv() {
        if (csv == null) {
            csv = print();
        }
        return csv;
    }

    private String print() {
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
