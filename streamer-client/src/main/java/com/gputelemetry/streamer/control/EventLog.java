package com.gputelemetry.streamer.control;

import com.gputelemetry.streamer.entity.Json;
import java.io.PrintStream;
import java.time.Instant;

/**
 * Structured log lines (one JSON object each) on standard error; standard output is kept for the summary. On a
 * terminal it also keeps one live progress line at the bottom, which log lines push down.
 */
public class EventLog {

    private static final String CLEAR_LINE = "\r\033[K";

    private final PrintStream out;
    private final boolean terminal;
    private String statusLine = "";

    public EventLog(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    public boolean terminal() {
        return terminal;
    }

    public synchronized void log(String event, String... keysAndValues) {
        var line = new StringBuilder("{\"time\":")
                .append(Json.quote(Instant.now().toString()))
                .append(",\"event\":")
                .append(Json.quote(event));
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            line.append(',').append(Json.quote(keysAndValues[i])).append(':').append(Json.quote(keysAndValues[i + 1]));
        }
        raw(line.append('}').toString());
    }

    public synchronized void raw(String json) {
        if (terminal) {
            out.print(CLEAR_LINE);
            out.println(json);
            out.print(statusLine);
        } else {
            out.println(json);
        }
        out.flush();
    }

    /** Replaces the live progress line (terminal only). */
    public synchronized void status(String line) {
        statusLine = line;
        out.print(CLEAR_LINE + line);
        out.flush();
    }

    /** Leaves the live progress line where it is and moves below it. */
    public synchronized void endStatus() {
        if (terminal && !statusLine.isEmpty()) {
            out.println();
            statusLine = "";
        }
    }
}
