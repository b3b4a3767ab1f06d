package com.gputelemetry.live.entity;

import com.gputelemetry.telemetry.entity.Micros;
import com.gputelemetry.telemetry.entity.TelemetryRow;
import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;

/**
 * One stored point as a live event shows it, and where it stands in the log: the partition, the record's offset and
 * the point's place in the record, which together name it uniquely and in order.
 */
public record LivePoint(
        String uuid,
        String hostname,
        String metric,
        long timeMicros,
        double value,
        StreamPosition position,
        byte[] eventWithId,
        byte[] eventWithoutId) {

    /** The point with its events, written once for every subscriber: with its id (a GPU's stream), and without. */
    public static LivePoint of(TelemetryRow row, StreamPosition position) {
        String data = "data: " + json(row) + "\n\n";
        return new LivePoint(
                row.uuid(),
                row.hostname(),
                row.metric(),
                row.timeMicros(),
                row.value(),
                position,
                ("event: point\nid: " + position.eventId() + "\n" + data).getBytes(StandardCharsets.UTF_8),
                ("event: point\n" + data).getBytes(StandardCharsets.UTF_8));
    }

    private static String json(TelemetryRow row) {
        var text = new StringWriter(192);
        try (JsonGenerator json = Json.createGenerator(text)) {
            json.writeStartObject()
                    .write("uuid", row.uuid())
                    .write("hostname", row.hostname())
                    .write("metric", row.metric())
                    .write("timestamp", Micros.toRfc3339(row.timeMicros()))
                    .write("value", row.value())
                    .writeEnd();
        }
        return text.toString();
    }
}
