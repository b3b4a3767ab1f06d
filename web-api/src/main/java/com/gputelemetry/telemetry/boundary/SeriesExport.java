package com.gputelemetry.telemetry.boundary;

import com.gputelemetry.telemetry.control.GpuCatalog;
import com.gputelemetry.telemetry.entity.SeriesPosition;
import com.gputelemetry.telemetry.entity.TelemetryPoint;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Writes a whole selection of one GPU's series as CSV or NDJSON while reading it, a keyset chunk at a time: memory
 * holds one chunk however long the series, and the client starts receiving at once.
 */
final class SeriesExport implements StreamingOutput {

    static final String CSV = "text/csv";
    static final String NDJSON = "application/x-ndjson";
    private static final int CHUNK = 5_000;

    private final GpuCatalog catalog;
    private final String uuid;
    private final SeriesQuery query;
    private final boolean csv;

    SeriesExport(GpuCatalog catalog, String uuid, SeriesQuery query, String mediaType) {
        this.catalog = catalog;
        this.uuid = uuid;
        this.query = query;
        this.csv = mediaType.equals(CSV);
    }

    @Override
    public void write(OutputStream output) throws IOException {
        Writer out = new BufferedWriter(new OutputStreamWriter(output, StandardCharsets.UTF_8), 1 << 16);
        if (csv) {
            out.write("timestamp,metric,value\n");
        }
        SeriesPosition after = query.after();
        List<TelemetryPoint> chunk;
        do {
            // Each chunk is a query of its own, outside any transaction: its entities are let go after it.
            chunk = query.selectsNothing()
                    ? List.of()
                    : catalog.series(
                            uuid,
                            query.window().fromMicros(),
                            query.window().toMicros(),
                            query.metrics(),
                            query.workloadIds(),
                            after,
                            CHUNK);
            for (TelemetryPoint point : chunk) {
                if (csv) {
                    out.write(point.getTimestamp() + ',' + csvField(point.getMetric()) + ',' + point.getValue() + '\n');
                } else {
                    out.write("{\"timestamp\":\"" + point.getTimestamp() + "\",\"metric\":"
                            + jsonString(point.getMetric()) + ",\"value\":" + point.getValue() + "}\n");
                }
            }
            if (!chunk.isEmpty()) {
                after = chunk.get(chunk.size() - 1).position(query.descending());
            }
            out.flush();
        } while (chunk.size() == CHUNK);
    }

    private static String csvField(String text) {
        if (text.indexOf(',') < 0 && text.indexOf('"') < 0 && text.indexOf('\n') < 0 && text.indexOf('\r') < 0) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }

    private static String jsonString(String text) {
        var out = new StringBuilder(text.length() + 2).append('"');
        for (char c : text.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }
}
