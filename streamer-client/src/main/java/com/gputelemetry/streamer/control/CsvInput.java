package com.gputelemetry.streamer.control;

import com.gputelemetry.streamer.entity.CsvRow;
import com.gputelemetry.streamer.entity.RowProblem;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Where the rows come from: the bundled sample, one file, every {@code *.csv} of a directory (in name order) or
 * standard input. Files are checked when the input is chosen, so that a file without the required columns is refused
 * before anything is sent; a pass reads them one after the other.
 */
public final class CsvInput {

    static final String BUNDLED_SAMPLE = "dcgm-sample.csv";
    public static final String STANDARD_INPUT = "-";

    private final String description;
    private final List<Source> sources;
    private final boolean repeatable;

    private CsvInput(String description, List<Source> sources, boolean repeatable) {
        this.description = description;
        this.sources = sources;
        this.repeatable = repeatable;
    }

    /**
     * @param path a file, a directory, {@code -} for standard input, or null for the bundled sample
     * @throws InvalidCsvFileException when there is nothing to read or a file lacks required columns
     */
    public static CsvInput of(String path) throws IOException {
        if (path == null || path.isBlank()) {
            return new CsvInput("bundled sample", List.of(new Source("bundled sample", CsvInput::bundled)), true);
        }
        if (path.equals(STANDARD_INPUT)) {
            Source stdin = new Source("standard input", () -> new InputStreamReader(System.in, StandardCharsets.UTF_8));
            return new CsvInput("standard input", List.of(stdin), false);
        }
        Path location = Path.of(path);
        List<Path> files;
        if (Files.isDirectory(location)) {
            try (Stream<Path> listing = Files.list(location)) {
                files = listing.filter(
                                f -> f.getFileName().toString().toLowerCase().endsWith(".csv"))
                        .filter(Files::isRegularFile)
                        .sorted()
                        .toList();
            }
            if (files.isEmpty()) {
                throw new InvalidCsvFileException(path + ": the directory holds no *.csv file");
            }
        } else if (Files.isRegularFile(location)) {
            files = List.of(location);
        } else {
            throw new InvalidCsvFileException(path + ": no such file or directory");
        }
        List<Source> sources = files.stream()
                .map(file -> new Source(file.toString(), () -> Files.newBufferedReader(file, StandardCharsets.UTF_8)))
                .toList();
        for (Source source : sources) {
            // Opening reads and checks the header; nothing else is read yet.
            source.open().close();
        }
        return new CsvInput(path, sources, true);
    }

    private static Reader bundled() {
        InputStream sample = CsvInput.class.getClassLoader().getResourceAsStream(BUNDLED_SAMPLE);
        if (sample == null) {
            throw new UncheckedIOException(new NoSuchFileException(BUNDLED_SAMPLE + " is missing from the jar"));
        }
        return new InputStreamReader(sample, StandardCharsets.UTF_8);
    }

    /** Whether the input can be read again from the start, as {@code --loop} needs: standard input cannot. */
    public boolean repeatable() {
        return repeatable;
    }

    public String description() {
        return description;
    }

    /** One pass over every file of the input. */
    public Pass open() {
        return new Pass();
    }

    /** Reads the files one after the other, one row at a time; only the current file is open. */
    public final class Pass implements AutoCloseable {

        private int next;
        private CsvRowReader current;

        private Pass() {}

        /** The next usable row, reporting unusable ones on the way; null when every file has been read. */
        public CsvRow next(Consumer<RowProblem> problems) throws IOException {
            while (true) {
                if (current == null) {
                    if (next == sources.size()) {
                        return null;
                    }
                    current = sources.get(next++).open();
                }
                CsvRow row = current.next(problems);
                if (row != null) {
                    return row;
                }
                current.close();
                current = null;
            }
        }

        @Override
        public void close() {
            if (current != null) {
                current.close();
                current = null;
            }
        }
    }

    private record Source(String name, ReaderOpener opener) {

        CsvRowReader open() throws IOException {
            return new CsvRowReader(name, opener.open());
        }
    }

    @FunctionalInterface
    private interface ReaderOpener {
        Reader open() throws IOException;
    }
}
