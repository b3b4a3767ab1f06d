package com.gputelemetry.streamer.control;

import com.gputelemetry.streamer.entity.Json;
import java.io.PrintStream;
import java.time.Instant;

/** Structured log lines (one JSON object each) on standard error; standard output is kept for the summary. */
public class EventLog {

    private final PrintStream out;

    public EventLog(PrintStream out) {
        this.out = out;
    }

    public synchronized void log(String event, String... keysAndValues) {
        var line = new StringBuilder("{\"time\":")
                .append(Json.quote(Instant.now().toString()))
                .append(",\"event\":")
                .append(Json.quote(event));
        for (int i = 0; i + 1 < keysAndValues.length; i += 2) {
            line.append(',').append(Json.quote(keysAndValues[i])).append(':').append(Json.quote(keysAndValues[i + 1]));
        }
        out.println(line.append('}'));
    }

    public synchronized void raw(String json) {
        out.println(json);
    }
}
