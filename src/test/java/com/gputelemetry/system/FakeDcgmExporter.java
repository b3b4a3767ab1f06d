package com.gputelemetry.system;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * A dcgm-exporter made of the sample: the sample's 2,470 rows as Prometheus text at {@code /metrics}, each with the
 * labels its {@code labels_raw} gives (without {@code job} and {@code instance}, which Prometheus adds when it scrapes),
 * under the {@code # HELP} and {@code # TYPE} lines the exporter writes.
 */
public final class FakeDcgmExporter implements AutoCloseable {

    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    private final HttpServer server;
    private final AtomicLong scrapes = new AtomicLong();

    private FakeDcgmExporter(HttpServer server) {
        this.server = server;
    }

    /** The sample as it is, at every scrape. */
    static FakeDcgmExporter start() throws IOException {
        byte[] exposition = exposition(0, null).getBytes(StandardCharsets.UTF_8);
        return serve(scrape -> exposition);
    }

    /**
     * GPUs of their own (each UUID tagged), whose utilisation, temperature and power change from scrape to scrape,
     * and an energy counter that grows (GPU 0's restarts from 0 every 10 scrapes, as after an exporter's restart);
     * GPUs 0 and 1 of each host serve pods ({@link #workload}); GPU 7 of each host is gone after the 12th scrape.
     */
    static final int GPU_7_GONE_AFTER = 12;

    public static FakeDcgmExporter varying(String tag) throws IOException {
        return serve(scrape -> exposition(scrape, tag).getBytes(StandardCharsets.UTF_8));
    }

    private static FakeDcgmExporter serve(LongFunction<byte[]> body) throws IOException {
        var server = HttpServer.create(new InetSocketAddress("127.0.0.1", FreePorts.one()), 0);
        var exporter = new FakeDcgmExporter(server);
        server.createContext("/metrics", exchange -> {
            byte[] exposition = body.apply(exporter.scrapes.incrementAndGet());
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, exposition.length);
            exchange.getResponseBody().write(exposition);
            exchange.close();
        });
        server.start();
        return exporter;
    }

    /** host:port, as a scrape target. */
    public String target() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public long scrapes() {
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

    private static String exposition(long scrape, String tag) {
        Map<String, StringBuilder> byMetric = new LinkedHashMap<>();
        for (CSVRecord row : sampleRows()) {
            Map<String, String> labels = labels(row.get("labels_raw"));
            double value = Double.parseDouble(row.get("value"));
            if (tag != null) {
                if (labels.get("gpu").equals("7") && scrape > GPU_7_GONE_AFTER) {
                    continue; // the GPU left: Prometheus marks its series stale
                }
                labels.put("UUID", labels.get("UUID").replace("GPU-", "GPU-" + tag + "-"));
                workload(labels);
                value = varied(row.get("metric_name"), value, scrape, Integer.parseInt(labels.get("gpu")));
                if (row.get("metric_name").equals("DCGM_FI_DEV_POWER_USAGE")) {
                    double power = Double.parseDouble(row.get("value"));
                    long scrapes = labels.get("gpu").equals("0") ? scrape % 10 : scrape;
                    line(byMetric, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "counter", labels, scrapes * power * 1000);
                }
            }
            line(byMetric, row.get("metric_name"), "gauge", labels, value);
        }
        return String.join("", byMetric.values());
    }

    /**
     * As dcgm-exporter labels a GPU a pod holds: on each host GPU 0 trains (a pod per host), GPU 1 serves (one pod
     * name on every host); the other GPUs are free and have no such labels.
     */
    private static void workload(Map<String, String> labels) {
        String host = labels.get("Hostname");
        switch (labels.get("gpu")) {
            case "0" -> {
                labels.put("namespace", "training");
                labels.put("pod", "llm-" + host.substring(host.length() - 3));
                labels.put("container", "trainer");
            }
            case "1" -> {
                labels.put("namespace", "serving");
                labels.put("pod", "vllm-0");
                labels.put("container", "server");
            }
            default -> {
                // free
            }
        }
    }

    private static double varied(String metric, double value, long scrape, int gpu) {
        return switch (metric) {
            case "DCGM_FI_DEV_GPU_UTIL" -> (value + 7 * scrape + gpu) % 101;
            case "DCGM_FI_DEV_GPU_TEMP" -> value + (scrape + gpu) % 5;
            case "DCGM_FI_DEV_POWER_USAGE" -> value + (scrape % 10) * 0.5;
            default -> value;
        };
    }

    private static void line(
            Map<String, StringBuilder> byMetric, String metric, String type, Map<String, String> labels, double value) {
        StringBuilder lines = byMetric.computeIfAbsent(
                metric,
                name -> new StringBuilder(
                        "# HELP " + name + " " + name + " from the sample.\n# TYPE " + name + " " + type + "\n"));
        var text = new StringBuilder();
        labels.forEach((name, labelValue) -> text.append(text.isEmpty() ? "" : ",")
                .append(name)
                .append("=\"")
                .append(labelValue)
                .append('"'));
        lines.append(metric)
                .append('{')
                .append(text)
                .append("} ")
                .append(BigDecimal.valueOf(value).stripTrailingZeros().toPlainString())
                .append('\n');
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
