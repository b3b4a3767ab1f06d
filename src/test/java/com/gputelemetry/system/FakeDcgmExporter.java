package com.gputelemetry.system;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * A dcgm-exporter made of the sample: the sample's 2,470 rows as Prometheus text at {@code /metrics}, each with the
 * labels its {@code labels_raw} gives (without {@code job} and {@code instance}, which Prometheus adds when it scrapes),
 * under the {@code # HELP} and {@code # TYPE} lines the exporter writes.
 */
final class FakeDcgmExporter implements AutoCloseable {

    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final HttpServer server;
    private final AtomicLong scrapes = new AtomicLong();

    private FakeDcgmExporter(HttpServer server) {
        this.server = server;
    }

    static FakeDcgmExporter start() throws IOException {
        byte[] exposition = exposition().getBytes(StandardCharsets.UTF_8);
        var server = HttpServer.create(new InetSocketAddress("127.0.0.1", FreePorts.one()), 0);
        var exporter = new FakeDcgmExporter(server);
        server.createContext("/metrics", exchange -> {
            exporter.scrapes.incrementAndGet();
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, exposition.length);
            exchange.getResponseBody().write(exposition);
            exchange.close();
        });
        server.start();
        return exporter;
    }

    /** host:port, as a scrape target. */
    String target() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    long scrapes() {
        return scrapes.get();
    }

    /** The labels of each sample row, by its GPU and metric, as the exporter writes them. */
    static Map<String, Map<String, String>> sampleLabels() {
        Map<String, Map<String, String>> labels = new LinkedHashMap<>();
        for (CSVRecord row : sampleRows()) {
            labels.put(row.get("uuid") + " " + row.get("metric_name"), labels(row.get("labels_raw")));
        }
        return labels;
    }

    private static String exposition() {
        Map<String, StringBuilder> byMetric = new LinkedHashMap<>();
        for (CSVRecord row : sampleRows()) {
            String metric = row.get("metric_name");
            StringBuilder lines = byMetric.computeIfAbsent(
                    metric,
                    name -> new StringBuilder(
                            "# HELP " + name + " " + name + " from the sample.\n# TYPE " + name + " gauge\n"));
            var text = new StringBuilder();
            labels(row.get("labels_raw")).forEach((name, value) -> text.append(text.isEmpty() ? "" : ",")
                    .append(name)
                    .append("=\"")
                    .append(value)
                    .append('"'));
            lines.append(metric)
                    .append('{')
                    .append(text)
                    .append("} ")
                    .append(row.get("value"))
                    .append('\n');
        }
        return String.join("", byMetric.values());
    }

    /** A {@code labels_raw} field as the exporter's labels: without the name, job and instance. Values stay escaped. */
    private static Map<String, String> labels(String raw) {
        Map<String, String> labels = new TreeMap<>();
        Matcher label = LABEL.matcher(raw);
        while (label.find()) {
            labels.put(label.group(1), label.group(2));
        }
        labels.keySet().removeAll(List.of("__name__", "job", "instance"));
        return labels;
    }

    private static List<CSVRecord> sampleRows() {
        try (var parser = CSVFormat.DEFAULT
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get()
                .parse(Files.newBufferedReader(TelemetryCsv.sample()))) {
            return parser.getRecords();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
