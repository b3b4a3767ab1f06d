package com.gputelemetry.streamer.process;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** A large DCGM file made of the bundled sample's rows (system property {@code sample.csv}) over and over. */
public final class RepeatedSample {

    /** Rows in the sample, without its header. */
    public static final int SAMPLE_ROWS = 2_470;

    private RepeatedSample() {}

    /** Writes the header once and the sample's rows {@code copies} times; answers the rows written. */
    public static long write(Path file, int copies) throws IOException {
        List<String> sample = Files.readAllLines(Path.of(System.getProperty("sample.csv")));
        List<String> rows = sample.subList(1, sample.size());
        if (rows.size() != SAMPLE_ROWS) {
            throw new IllegalStateException("the sample has " + rows.size() + " rows, not " + SAMPLE_ROWS);
        }
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write(sample.get(0));
            out.write('\n');
            for (int copy = 0; copy < copies; copy++) {
                for (String row : rows) {
                    out.write(row);
                    out.write('\n');
                }
            }
        }
        return (long) rows.size() * copies;
    }
}
