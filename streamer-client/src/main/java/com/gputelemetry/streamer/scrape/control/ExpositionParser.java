package com.gputelemetry.streamer.scrape.control;

import com.gputelemetry.streamer.scrape.entity.Sample;
import java.io.IOException;
import java.io.Reader;
import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Reads the Prometheus text exposition format 0.0.4 and OpenMetrics 1.0 text, one line at a time, handing each sample
 * on as it is read. The two differ where it matters here: OpenMetrics timestamps are seconds (0.0.4's milliseconds), a
 * sample may carry an exemplar after {@code #}, and the body must end with {@code # EOF}, which tells a complete body
 * from a cut one. Any line that is not valid fails the whole body with its line number.
 */
public final class ExpositionParser {

    /** A longer line is not an exporter's; the cap keeps a hostile body from building one huge string. */
    static final int MAX_LINE_CHARS = 1 << 20;

    private static final Set<String> TYPES = Set.of(
            "counter", "gauge", "histogram", "summary", "untyped", "unknown", "info", "stateset", "gaugehistogram");
    // What Go's strconv.ParseFloat reads in Prometheus' exporters: decimals, exponents, Inf and NaN in any case.
    private static final Pattern VALUE =
            Pattern.compile("[+-]?(?:(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?|(?i:inf(?:inity)?)|(?i:nan))");
    private static final Pattern MILLIS = Pattern.compile("-?\\d{1,19}");
    private static final Pattern SECONDS = Pattern.compile("-?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][+-]?\\d+)?");

    private final boolean openMetrics;
    private final Consumer<Sample> samples;
    private String line;
    private int pos;
    private long lineNumber;

    private ExpositionParser(boolean openMetrics, Consumer<Sample> samples) {
        this.openMetrics = openMetrics;
        this.samples = samples;
    }

    /**
     * @param openMetrics the body is OpenMetrics text (its content type said so), else Prometheus text 0.0.4
     * @throws ScrapeFailedException at the first line that is not valid, naming it
     * @throws IOException when the body cannot be read (not UTF-8, too large, cut off)
     */
    public static void parse(Reader body, boolean openMetrics, Consumer<Sample> samples)
            throws ScrapeFailedException, IOException {
        new ExpositionParser(openMetrics, samples).parse(body);
    }

    private void parse(Reader body) throws ScrapeFailedException, IOException {
        var lines = new LineReader(body);
        boolean eof = false;
        while ((line = lines.next()) != null) {
            lineNumber++;
            if (eof) {
                throw failure("content after # EOF");
            }
            if (line.endsWith("\r")) {
                line = line.substring(0, line.length() - 1);
            }
            pos = 0;
            if (line.isBlank()) {
                continue;
            }
            if (line.charAt(0) == '#') {
                eof = comment();
            } else {
                sample();
            }
        }
        if (openMetrics && !eof) {
            throw new ScrapeFailedException(
                    "OpenMetrics body without its final # EOF: cut off after line " + lineNumber);
        }
    }

    /** @return true at {@code # EOF} */
    private boolean comment() throws ScrapeFailedException {
        String[] words = line.substring(1).strip().split("[ \t]+", 3);
        String keyword = words[0];
        if (openMetrics && keyword.equals("EOF") && words.length == 1) {
            return true;
        }
        if (keyword.equals("HELP") || keyword.equals("TYPE") || keyword.equals("UNIT")) {
            if (words.length < 2 || !isMetricName(words[1])) {
                throw failure("# " + keyword + " without a valid metric name");
            }
            if (keyword.equals("TYPE") && (words.length < 3 || !TYPES.contains(words[2].strip()))) {
                throw failure("# TYPE " + words[1] + " with an unknown type");
            }
        } else if (openMetrics) {
            throw failure("a comment OpenMetrics does not allow (only # HELP, # TYPE, # UNIT and # EOF)");
        }
        return false;
    }

    private void sample() throws ScrapeFailedException {
        int start = pos;
        while (pos < line.length() && isNameChar(line.charAt(pos), pos == start)) {
            pos++;
        }
        if (pos == start) {
            throw failure("expected a metric name, found '" + excerpt() + "'");
        }
        String name = line.substring(start, pos);
        SortedMap<String, String> labels = new TreeMap<>();
        if (pos < line.length() && line.charAt(pos) == '{') {
            pos++;
            labels(labels);
        }
        if (!skipBlanks()) {
            throw failure("expected a space before the value of " + name);
        }
        String value = word();
        if (!VALUE.matcher(value).matches()) {
            throw failure("'" + value + "' is not a number");
        }
        Optional<Instant> timestamp = Optional.empty();
        skipBlanks();
        if (pos < line.length() && !(openMetrics && line.charAt(pos) == '#')) {
            timestamp = Optional.of(timestamp(word()));
            skipBlanks();
        }
        if (pos < line.length() && !(openMetrics && line.charAt(pos) == '#')) {
            // An exemplar (OpenMetrics: "# {trace_id=...} 1") is all that may follow, and is not needed here.
            throw failure("unexpected '" + excerpt() + "' after the value");
        }
        samples.accept(new Sample(name, labels, value, timestamp, lineNumber));
    }

    private void labels(SortedMap<String, String> labels) throws ScrapeFailedException {
        while (true) {
            skipBlanks();
            if (pos < line.length() && line.charAt(pos) == '}') {
                pos++;
                return;
            }
            int start = pos;
            while (pos < line.length() && isLabelChar(line.charAt(pos), pos == start)) {
                pos++;
            }
            if (pos == start) {
                throw failure("expected a label name, found '" + excerpt() + "'");
            }
            String name = line.substring(start, pos);
            skipBlanks();
            expect('=', "after label " + name);
            skipBlanks();
            expect('"', "to open the value of label " + name);
            if (labels.put(name, labelValue(name)) != null) {
                throw failure("label " + name + " twice");
            }
            skipBlanks();
            if (pos < line.length() && line.charAt(pos) == ',') {
                pos++;
            } else if (pos >= line.length() || line.charAt(pos) != '}') {
                throw failure("expected ',' or '}' after label " + name + ", found '" + excerpt() + "'");
            }
        }
    }

    /** Reads up to the closing quote, resolving the format's three escapes. */
    private String labelValue(String name) throws ScrapeFailedException {
        var value = new StringBuilder();
        while (pos < line.length()) {
            char c = line.charAt(pos++);
            if (c == '"') {
                return value.toString();
            }
            if (c == '\\') {
                if (pos == line.length()) {
                    break;
                }
                char escaped = line.charAt(pos++);
                switch (escaped) {
                    case '\\' -> value.append('\\');
                    case '"' -> value.append('"');
                    case 'n' -> value.append('\n');
                    default -> {
                        if (openMetrics) {
                            throw failure("unknown escape \\" + escaped + " in the value of label " + name);
                        }
                        // Prometheus' own 0.0.4 parser keeps an unknown escape as it is written.
                        value.append('\\').append(escaped);
                    }
                }
            } else {
                value.append(c);
            }
        }
        throw failure("the value of label " + name + " is never closed (a \" without its closing \")");
    }

    private Instant timestamp(String text) throws ScrapeFailedException {
        try {
            if (openMetrics) {
                if (!SECONDS.matcher(text).matches()) {
                    throw failure("timestamp '" + text + "' is not a number of seconds");
                }
                BigDecimal seconds = new BigDecimal(text);
                BigDecimal whole = new BigDecimal(seconds.toBigInteger());
                return Instant.ofEpochSecond(
                        whole.longValueExact(),
                        seconds.subtract(whole).movePointRight(9).intValue());
            }
            if (!MILLIS.matcher(text).matches()) {
                throw failure("timestamp '" + text + "' is not an integer of milliseconds");
            }
            return Instant.ofEpochMilli(Long.parseLong(text));
        } catch (NumberFormatException | ArithmeticException | DateTimeException e) {
            throw failure("timestamp '" + text + "' is out of range");
        }
    }

    private String word() {
        int start = pos;
        while (pos < line.length() && !isBlank(line.charAt(pos))) {
            pos++;
        }
        return line.substring(start, pos);
    }

    /** @return whether there was any blank to skip */
    private boolean skipBlanks() {
        int start = pos;
        while (pos < line.length() && isBlank(line.charAt(pos))) {
            pos++;
        }
        return pos > start;
    }

    private void expect(char wanted, String where) throws ScrapeFailedException {
        if (pos >= line.length() || line.charAt(pos) != wanted) {
            throw failure("expected '" + wanted + "' " + where + ", found '" + excerpt() + "'");
        }
        pos++;
    }

    private String excerpt() {
        String rest = line.substring(Math.min(pos, line.length()));
        return rest.length() > 40 ? rest.substring(0, 40) + "…" : rest;
    }

    private ScrapeFailedException failure(String reason) {
        return new ScrapeFailedException("line " + lineNumber + ": " + reason);
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t';
    }

    private static boolean isMetricName(String text) {
        for (int i = 0; i < text.length(); i++) {
            if (!isNameChar(text.charAt(i), i == 0)) {
                return false;
            }
        }
        return !text.isEmpty();
    }

    private static boolean isNameChar(char c, boolean first) {
        return c == ':' || isLabelChar(c, first);
    }

    private static boolean isLabelChar(char c, boolean first) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (!first && c >= '0' && c <= '9');
    }

    /** Lines ended by '\n', each at most {@link #MAX_LINE_CHARS} long. */
    private static final class LineReader {

        private final Reader in;
        private final char[] buffer = new char[8192];
        private int length;
        private int next;

        LineReader(Reader in) {
            this.in = in;
        }

        String next() throws IOException, ScrapeFailedException {
            StringBuilder line = null;
            while (true) {
                if (next == length) {
                    length = in.read(buffer);
                    next = 0;
                    if (length <= 0) {
                        length = 0;
                        return line == null ? null : line.toString();
                    }
                }
                int start = next;
                while (next < length && buffer[next] != '\n') {
                    next++;
                }
                if (line == null) {
                    line = new StringBuilder(Math.max(16, next - start));
                }
                line.append(buffer, start, next - start);
                if (line.length() > MAX_LINE_CHARS) {
                    throw new ScrapeFailedException(
                            "a line longer than " + MAX_LINE_CHARS + " characters: not an exporter's answer");
                }
                if (next < length) {
                    next++;
                    return line.toString();
                }
            }
        }
    }
}
