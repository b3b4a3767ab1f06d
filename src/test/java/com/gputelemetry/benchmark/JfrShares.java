package com.gputelemetry.benchmark;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JVM spent its CPU, from its flight recording: each execution sample counted for the part of the server its
 * innermost known frame belongs to (a string search inside the CSV parser counts for the CSV parser).
 */
final class JfrShares {

    /** The parts, by class name prefix, in the order their frames are looked for. */
    private static final Map<String, String> PARTS = new LinkedHashMap<>();

    static {
        PARTS.put("org.apache.commons.csv.", "reading the CSV (Commons CSV)");
        PARTS.put("com.gputelemetry.telemetry.entity.TelemetryRow", "writing and reading the queue's payload");
        PARTS.put("org.postgresql.", "PostgreSQL's JDBC driver");
        PARTS.put("org.h2.", "H2");
        PARTS.put("org.eclipse.persistence.", "EclipseLink (flush, commit, queries)");
        PARTS.put("org.glassfish.tyrus.", "the WebSocket (Tyrus)");
        PARTS.put("org.glassfish.grizzly.", "HTTP (Grizzly)");
        PARTS.put("org.eclipse.yasson.", "JSON-B (Yasson)");
        PARTS.put("com.gputelemetry.", "the application's own code");
    }

    private JfrShares() {}

    /** Each part's share of the execution samples, largest first, e.g. "reading the CSV (Commons CSV): 14.2 %". */
    static List<String> of(Path recording) throws IOException {
        Map<String, Long> samples = new LinkedHashMap<>();
        long all = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(recording)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStackTrace() == null) {
                continue;
            }
            all++;
            samples.merge(part(event.getStackTrace().getFrames()), 1L, Long::sum);
        }
        long total = all;
        return samples.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed())
                .map(e -> String.format(Locale.ROOT, "%s: %.1f %%", e.getKey(), 100.0 * e.getValue() / total))
                .toList();
    }

    private static String part(List<RecordedFrame> frames) {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            for (var part : PARTS.entrySet()) {
                if (type.startsWith(part.getKey())) {
                    return part.getValue();
                }
            }
        }
        return "elsewhere (the JDK, the container)";
    }
}
