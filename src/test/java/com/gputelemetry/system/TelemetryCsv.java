package com.gputelemetry.system;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The system tests' telemetry in CSV: the real DCGM sample the streamers send, and what it holds. The sample has one row
 * per (GPU, metric), so each stored point of a sample GPU must carry that row's value, whatever time it was sent at.
 */
final class TelemetryCsv {

    static final int SAMPLE_ROWS = 2_470;
    static final int SAMPLE_GPUS = 247;

    /** The columns a batch must have, in DCGM's order. */
    static final String HEADER = "timestamp,metric_name,gpu_id,device,uuid,modelName,Hostname,value";

    private static final AtomicLong NAMES = new AtomicLong(System.currentTimeMillis());

    private static Map<String, Double> sampleValues;
    private static Set<String> sampleGpus;

    private TelemetryCsv() {}

    /** A row of a GPU made up by a test (index 0, device nvidia0, an H100), its line end included. */
    static String row(String time, String metric, String uuid, String hostname, Object value) {
        return time + "," + metric + ",0,nvidia0," + uuid + ",H100," + hostname + "," + value + "\n";
    }

    /** A name no other test of this run uses, for a GPU, a host or a producer made up by a test. */
    static String unique(String prefix) {
        return prefix + "-" + NAMES.incrementAndGet();
    }

    static Path sample() {
        return Path.of(Launch.required("sample.csv"));
    }

    /** The sample's lines, its header first. */
    static List<String> sampleLines() {
        try {
            return Files.readAllLines(sample());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The sample's header and its first {@code rows} rows as one batch, each stamped with {@code time} as the time it
     * is for (in the file, the scrape's own time of 2025), as a producer posts them.
     */
    static String sampleBatch(int rows, Instant time) {
        List<String> lines = sampleLines();
        StringBuilder batch = new StringBuilder(lines.get(0)).append('\n');
        for (String line : lines.subList(1, rows + 1)) {
            batch.append('"')
                    .append(time.truncatedTo(ChronoUnit.MICROS))
                    .append(line.substring(line.indexOf('"', 1)))
                    .append('\n');
        }
        return batch.toString();
    }

    /** The value the sample gives this GPU's metric; null for a GPU or metric that is not in the sample. */
    static synchronized Double sampleValue(String uuid, String metric) {
        readSample();
        return sampleValues.get(uuid + " " + metric);
    }

    /** Whether the GPU is one of the sample's, rather than one a test made up. */
    static synchronized boolean isSampleGpu(String uuid) {
        readSample();
        return sampleGpus.contains(uuid);
    }

    private static void readSample() {
        if (sampleValues == null) {
            sampleValues = readSampleValues();
            sampleGpus = sampleValues.keySet().stream()
                    .map(key -> key.substring(0, key.indexOf(' ')))
                    .collect(Collectors.toUnmodifiableSet());
        }
    }

    private static Map<String, Double> readSampleValues() {
        Map<String, Double> values = new HashMap<>();
        try (var parser = CSVFormat.DEFAULT
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get()
                .parse(Files.newBufferedReader(sample()))) {
            for (CSVRecord row : parser) {
                values.put(row.get("uuid") + " " + row.get("metric_name"), Double.valueOf(row.get("value")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (values.size() != SAMPLE_ROWS) {
            throw new IllegalStateException(
                    "the sample has " + values.size() + " (GPU, metric) pairs, not " + SAMPLE_ROWS);
        }
        return values;
    }
}
