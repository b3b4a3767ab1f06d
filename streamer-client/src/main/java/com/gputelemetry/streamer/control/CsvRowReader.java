package com.gputelemetry.streamer.control;

import com.gputelemetry.streamer.entity.CsvRow;
import com.gputelemetry.streamer.entity.RowProblem;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVParser;
import org.apache.commons.csv.CSVRecord;

/**
 * Streams a DCGM CSV one row at a time, so memory stays flat for a file of any size. Columns are found by name in
 * any order and case; a row that cannot be used is reported with its line number and skipped.
 */
public class CsvRowReader implements AutoCloseable {

    static final List<String> REQUIRED =
            List.of("timestamp", "metric_name", "gpu_id", "device", "uuid", "modelName", "Hostname", "value");

    // Empty lines are not ignored by the parser but skipped here, so that its line count stays exact.
    private static final CSVFormat FORMAT = CSVFormat.DEFAULT
            .builder()
            .setHeader()
            .setSkipHeaderRecord(true)
            .setIgnoreHeaderCase(true)
            .setIgnoreEmptyLines(false)
            .setAllowMissingColumnNames(true)
            .setTrim(true)
            .get();

    private final String source;
    private final CSVParser parser;
    private final Iterator<CSVRecord> records;
    private final Map<String, Integer> columns = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    private final int width;
    private long previousLine = 1;

    /** @throws InvalidCsvFileException when the header lacks required columns */
    public CsvRowReader(String source, Reader reader) throws IOException {
        this.source = source;
        BufferedReader buffered = new BufferedReader(reader);
        try {
            buffered.mark(1);
            if (buffered.read() != '\uFEFF') {
                buffered.reset();
            }
            this.parser = FORMAT.parse(buffered);
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new InvalidCsvFileException(source + " at line 1: " + inUsersTerms(e));
        }
        List<String> header = parser.getHeaderNames();
        for (int i = 0; i < header.size(); i++) {
            columns.putIfAbsent(header.get(i), i);
        }
        List<String> missing =
                REQUIRED.stream().filter(name -> !columns.containsKey(name)).toList();
        if (!missing.isEmpty()) {
            parser.close();
            throw new InvalidCsvFileException(source + ": the header lacks the required column(s) "
                    + String.join(", ", missing) + " (found: " + String.join(", ", header) + ")");
        }
        this.width = header.size();
        this.records = parser.iterator();
    }

    /** The next usable row, reporting unusable ones on the way; null at the end of the file. */
    public CsvRow next(Consumer<RowProblem> problems) {
        try {
            while (records.hasNext()) {
                CSVRecord record = records.next();
                // The parser counts line ends consumed; a last line without one would otherwise be one short.
                long line = Math.max(previousLine + 1, parser.getCurrentLineNumber());
                previousLine = line;
                if (record.size() == 1 && record.get(0).isEmpty()) {
                    continue;
                }
                String reason = problemWith(record);
                if (reason != null) {
                    problems.accept(new RowProblem(source, line, reason));
                    continue;
                }
                return new CsvRow(
                        line,
                        get(record, "timestamp"),
                        get(record, "metric_name"),
                        get(record, "gpu_id"),
                        get(record, "device"),
                        get(record, "uuid"),
                        get(record, "modelName"),
                        get(record, "Hostname"),
                        get(record, "value"),
                        get(record, "container"),
                        get(record, "pod"),
                        get(record, "namespace"),
                        get(record, "labels_raw"));
            }
            return null;
        } catch (UncheckedIOException | IllegalStateException e) {
            throw new InvalidCsvFileException(source + " near line " + (previousLine + 1) + ": " + inUsersTerms(e));
        }
    }

    /** What is wrong with the file, said without the parser's or the JDK's class names. */
    static String inUsersTerms(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof CharacterCodingException) {
                return "not UTF-8 text (a binary file, or text in another encoding); save it as UTF-8";
            }
            String message = String.valueOf(cause.getMessage());
            if (message.contains("EOF reached before encapsulated token finished")) {
                return "a quoted field is never closed (a \" without its closing \")";
            }
        }
        String message = failure.getMessage() == null ? "unreadable" : failure.getMessage();
        // "java.io.IOException: ..." and the like, as wrapped exceptions put it: the class means nothing to a user.
        return message.replaceAll("(\\b[a-z]+\\.)+[A-Z]\\w*(Exception|Error): ", "");
    }

    private String problemWith(CSVRecord record) {
        if (record.size() != width) {
            return "expected " + width + " fields, found " + record.size();
        }
        for (String column : REQUIRED) {
            if (get(record, column).isEmpty()) {
                return column + " is empty";
            }
        }
        String value = get(record, "value");
        if (DcgmSentinel.matches(value)) {
            return "value " + value + " is DCGM's 'not supported' sentinel, not a measurement";
        }
        try {
            if (!Double.isFinite(Double.parseDouble(value))) {
                return "value is not a finite number: '" + value + "'";
            }
        } catch (NumberFormatException e) {
            return "value is not a number: '" + value + "'";
        }
        try {
            Integer.parseInt(get(record, "gpu_id"));
        } catch (NumberFormatException e) {
            return "gpu_id is not an integer: '" + get(record, "gpu_id") + "'";
        }
        try {
            OffsetDateTime.parse(get(record, "timestamp").toUpperCase(Locale.ROOT));
        } catch (DateTimeParseException e) {
            return "timestamp is not an RFC 3339 time: '" + get(record, "timestamp") + "'";
        }
        return null;
    }

    private String get(CSVRecord record, String column) {
        Integer index = columns.get(column);
        return index == null ? "" : record.get(index);
    }

    @Override
    public void close() {
        try {
            parser.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
