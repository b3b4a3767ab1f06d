package com.gputelemetry.system;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * A dcgm-exporter made of the sample: the sample's 2,470 rows as Prometheus text at {@code /metrics}, each with the
 * labels its {@code labels_raw} gives (without {@code job} and {@code instance}, which Prometheus adds when it scrapes),
 * under the {@code # HELP} and {@code # TYPE} lines the exporter writes. It remembers when it served each scrape, and
 * can say again what it served, so a test can check what was stored against it.
 */
public final class FakeDcgmExporter implements AutoCloseable {

    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    /** One line of the exposition. */
    private record Series(String metric, String type, Map<String, String> labels, double value) {}

    private final HttpServer server;
    private final String tag;
    private final String host;
    private final AtomicLong scrapes = new AtomicLong();
    private final Map<Long, Instant> servedAt = new ConcurrentHashMap<>();

    private FakeDcgmExporter(HttpServer server, String tag, String host) {
        this.server = server;
        this.tag = tag;
        this.host = host;
    }

    /** The sample as it is, at every scrape. */
    static FakeDcgmExporter start() throws IOException {
        byte[] exposition = exposition(series(0, null, null)).getBytes(StandardCharsets.UTF_8);
        return serve(null, null, scrape -> exposition);
    }

    /** After this scrape, GPU 7 of each host has left a whole fleet's exporter ({@link #varying(String)}). */
    static final int GPU_7_GONE_AFTER = 12;

    /**
     * GPUs of their own (each UUID tagged), whose utilisation, temperature and power change from scrape to scrape,
     * and an energy counter that grows (GPU 0's restarts from 0 every 10 scrapes, as after an exporter's restart);
     * GPUs 0 and 1 of each host serve pods ({@link #workload}); GPU 7 of each host is gone after the 12th scrape, so
     * that Prometheus marks its series stale.
     */
    public static FakeDcgmExporter varying(String tag) throws IOException {
        return varying(tag, null);
    }

    /** The same of one host's GPUs only, as the exporter on that host serves them; of every host when null. */
    static FakeDcgmExporter varying(String tag, String host) throws IOException {
        return serve(tag, host, scrape -> exposition(series(scrape, tag, host)).getBytes(StandardCharsets.UTF_8));
    }

    private static FakeDcgmExporter serve(String tag, String host, LongFunction<byte[]> body) throws IOException {
        var server = HttpServer.create(new InetSocketAddress("127.0.0.1", FreePorts.one()), 0);
        var exporter = new FakeDcgmExporter(server, tag, host);
        server.createContext("/metrics", exchange -> {
            long scrape = exporter.scrapes.incrementAndGet();
            exporter.servedAt.put(scrape, Instant.now());
            byte[] exposition = body.apply(scrape);
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

    /** How the UUIDs of this exporter's GPUs begin ({@link #varying}'s tag in them). */
    String uuidPrefix() {
        return tag == null ? "GPU-" : "GPU-" + tag + "-";
    }

    /** When the exporter began to answer its {@code scrape}th scrape (counted from 1). */
    Instant servedAt(long scrape) {
        return servedAt.get(scrape);
    }

    /** What the exporter served in its {@code scrape}th scrape: each value by "GPU-UUID metric". */
    Map<String, Double> served(long scrape) {
        Map<String, Double> values = new HashMap<>();
        for (Series series : series(scrape, tag, host)) {
            values.put(series.labels().get("UUID") + " " + series.metric(), series.value());
        }
        return values;
    }

    /** How many GPUs the exporter reports. */
    long gpus() {
        return series(0, tag, host).stream()
                .map(series -> series.labels().get("UUID"))
                .distinct()
                .count();
    }

    /** The labels of each sample row, by its GPU and metric, as the exporter writes them. */
    static Map<String, Map<String, String>> sampleLabels() {
        Map<String, Map<String, String>> labels = new LinkedHashMap<>();
        for (CSVRecord row : SampleRows.ROWS) {
            labels.put(row.get("uuid") + " " + row.get("metric_name"), labels(row.get("labels_raw")));
        }
        return labels;
    }

    private static List<Series> series(long scrape, String tag, String host) {
        List<Series> series = new ArrayList<>();
        for (CSVRecord row : SampleRows.ROWS) {
            if (host != null && !row.get("Hostname").equals(host)) {
                continue;
            }
            Map<String, String> labels = labels(row.get("labels_raw"));
            double value = Double.parseDouble(row.get("value"));
            if (tag != null) {
                if (host == null && labels.get("gpu").equals("7") && scrape > GPU_7_GONE_AFTER) {
                    continue; // the GPU left: Prometheus marks its series stale
                }
                labels.put("UUID", labels.get("UUID").replace("GPU-", "GPU-" + tag + "-"));
                workload(labels);
                value = varied(row.get("metric_name"), value, scrape, Integer.parseInt(labels.get("gpu")));
                if (row.get("metric_name").equals("DCGM_FI_DEV_POWER_USAGE")) {
                    double power = Double.parseDouble(row.get("value"));
                    long scrapes = labels.get("gpu").equals("0") ? scrape % 10 : scrape;
                    series.add(new Series(
                            "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION", "counter", labels, scrapes * power * 1000));
                }
            }
            series.add(new Series(row.get("metric_name"), "gauge", labels, value));
        }
        return series;
    }

    private static String exposition(List<Series> series) {
        Map<String, StringBuilder> byMetric = new LinkedHashMap<>();
        series.forEach(line -> line(byMetric, line));
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

    private static void line(Map<String, StringBuilder> byMetric, Series series) {
        StringBuilder lines = byMetric.computeIfAbsent(
                series.metric(),
                name -> new StringBuilder("# HELP " + name + " " + name + " from the sample.\n# TYPE " + name + " "
                        + series.type() + "\n"));
        var text = new StringBuilder();
        series.labels().forEach((name, labelValue) -> text.append(text.isEmpty() ? "" : ",")
                .append(name)
                .append("=\"")
                .append(labelValue)
                .append('"'));
        lines.append(series.metric())
                .append('{')
                .append(text)
                .append("} ")
                .append(BigDecimal.valueOf(series.value()).stripTrailingZeros().toPlainString())
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

    /** The sample's rows, read once: a varying exporter makes every scrape of them anew. */
    private static final class SampleRows {

        static final List<CSVRecord> ROWS = read();

        private static List<CSVRecord> read() {
            try (var parser = CSVFormat.DEFAULT
                    .builder()
                    .setHeader()
                    .setSkipHeaderRecord(true)
                    .get()
                    .parse(Files.newBufferedReader(TelemetryCsv.sample()))) {
                return List.copyOf(parser.getRecords());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
