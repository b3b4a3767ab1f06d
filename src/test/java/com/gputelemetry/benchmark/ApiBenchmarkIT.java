package com.gputelemetry.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.gputelemetry.system.Http;
import com.gputelemetry.system.PackagedServer;
import com.gputelemetry.telemetry.entity.TelemetrySeries;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * Not a test: the GPU API's speed on a large store. Loads 10 million points (the sample's 247 GPUs × 10 metrics,
 * one point per series every ~21 s over 24 hours) into an embedded PostgreSQL with COPY, starts the packaged server
 * on it, then measures latency (p50/p99) and requests/s over HTTP with 4 concurrent clients, checking every answer
 * against what was loaded. Run with
 * {@code ./mvnw -B verify -Papi-benchmark}; writes {@code ear/target/api-benchmark.md}.
 */
class ApiBenchmarkIT {

    private static final int POINTS_PER_SERIES = 4_050;
    private static final Duration DAY = Duration.ofHours(24);
    private static final int CLIENTS = 4;
    private static final HttpClient HTTP = Http.CLIENT;

    private record Gpu(String uuid, String hostname, int index, String device, String model, String labels) {}

    private record Figures(String what, int requests, double p50, double p99, double requestsPerSecond) {}

    @Test
    void measure() throws Exception {
        Map<String, Gpu> gpus = new LinkedHashMap<>();
        List<String> metrics = new ArrayList<>();
        Map<String, Double> sampleValues = new LinkedHashMap<>();
        try (var parser = CSVFormat.DEFAULT
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get()
                .parse(Files.newBufferedReader(Path.of(System.getProperty("sample.csv"))))) {
            for (CSVRecord row : parser) {
                gpus.putIfAbsent(
                        row.get("uuid"),
                        new Gpu(
                                row.get("uuid"),
                                row.get("Hostname"),
                                Integer.parseInt(row.get("gpu_id")),
                                row.get("device"),
                                row.get("modelName"),
                                row.get("labels_raw")));
                if (!metrics.contains(row.get("metric_name"))) {
                    metrics.add(row.get("metric_name"));
                }
                sampleValues.put(row.get("uuid") + row.get("metric_name"), Double.parseDouble(row.get("value")));
            }
        }
        Instant end = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        Instant start = end.minus(DAY);
        Path data = Files.createTempDirectory("api-benchmark");
        try (var postgres = EmbeddedPostgres.builder()
                .setDataDirectory(data.resolve("pg"))
                .setCleanDataDirectory(true)
                .setServerConfig("shared_buffers", "512MB")
                .setServerConfig("max_wal_size", "4GB")
                .start()) {
            String jdbc = postgres.getJdbcUrl("postgres", "postgres");
            try (var server = PackagedServer.start(
                    Map.of(
                            "TELEMETRY_DB_DATASOURCE", "org.postgresql.ds.PGSimpleDataSource",
                            "TELEMETRY_DB_URL", jdbc,
                            "TELEMETRY_DB_USER", "postgres",
                            "TELEMETRY_DB_PASSWORD", "postgres",
                            // The points are loaded behind the server's back, so no rollup may be built meanwhile:
                            // this measures the points (RollupBenchmarkIT the rollups).
                            "ROLLUP_INTERVAL_SECONDS", "86400"),
                    "api-benchmark",
                    serverOptions())) {
                long loadStarted = System.nanoTime();
                long points = load(jdbc, gpus, metrics, sampleValues, start);
                double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;

                List<String> uuids = new ArrayList<>(gpus.keySet());
                String base = server.uri("/api/v1").toString();
                List<Figures> results = new ArrayList<>();
                // One client at a time first: the latency a user sees, its tail included, without queueing. The
                // liveness probe (no database, a few bytes) is the floor that the machine and the HTTP stack set.
                results.add(alone(
                        "one client: liveness probe (no database)",
                        () -> server.uri("/health/live").toString(),
                        body -> assertThat(body).contains("\"UP\"")));
                results.add(alone(
                        "one client: GPU list", () -> base + "/gpus", body -> assertThat(occurrences(body, "\"uuid\""))
                                .isEqualTo(gpus.size())));
                results.add(alone(
                        "one client: one GPU, 1 hour, first page (1,000 points)",
                        () -> base + "/gpus/" + any(uuids) + "/telemetry?start_time=" + end.minus(Duration.ofHours(1))
                                + "&end_time=" + end,
                        body -> assertThat(occurrences(body, "\"metric\"")).isEqualTo(1_000)));
                results.add(alone(
                        "one client: summary, 1-minute steps over 24 hours",
                        () -> base + "/gpus/" + any(uuids) + "/telemetry/summary?metric=" + metrics.get(3)
                                + "&step=1m&start_time=" + start + "&end_time=" + end,
                        body -> assertThat(occurrences(body, "\"count\"")).isBetween(1_440, 1_441)));
                // Grafana's fleet panel through the Prometheus query API: one metric of every GPU over the day at
                // 1-minute steps (each series' points loaded once for all 1,441 steps), and the same per host.
                String day = "&start=" + start.getEpochSecond() + "&end=" + end.getEpochSecond() + "&step=60";
                results.add(alone(
                        "one client: PromQL fleet panel, " + metrics.get(0) + " of all GPUs, 24 h at 1-minute steps",
                        20,
                        100,
                        () -> server.uri("/prometheus/api/v1/query_range?query=" + metrics.get(0) + day)
                                .toString(),
                        body -> assertThat(occurrences(body, "\"metric\"")).isEqualTo(gpus.size())));
                results.add(alone(
                        "one client: PromQL avg by (Hostname), the same day",
                        20,
                        100,
                        () -> server.uri("/prometheus/api/v1/query_range?query="
                                        + URLEncoder.encode(
                                                "avg by (Hostname) (" + metrics.get(0) + ")", StandardCharsets.UTF_8)
                                        + day)
                                .toString(),
                        body -> assertThat(occurrences(body, "\"metric\"")).isEqualTo(31)));
                // Each answer is checked against what was loaded, outside the measured time.
                results.add(
                        run("GPU list (247 GPUs)", 400, () -> base + "/gpus", "application/json", body -> assertThat(
                                        occurrences(body, "\"uuid\""))
                                .isEqualTo(gpus.size())));
                // A series point every ~21.3 s: 168 or 169 an hour for each of the 10 metrics.
                results.add(run(
                        "one GPU, 1 hour (all metrics, ~1,700 points, one page)",
                        400,
                        () -> base + "/gpus/" + any(uuids) + "/telemetry?limit=10000&start_time="
                                + end.minus(Duration.ofHours(1)) + "&end_time=" + end,
                        "application/json",
                        body -> assertThat(occurrences(body, "\"metric\"")).isBetween(1_670, 1_700)));
                results.addAll(runPaged(base, uuids, start, end, POINTS_PER_SERIES * metrics.size()));
                results.add(run(
                        "summary, 1-minute steps over 24 hours (one metric, 1,440 buckets)",
                        200,
                        () -> base + "/gpus/" + any(uuids) + "/telemetry/summary?metric=" + metrics.get(3)
                                + "&step=1m&start_time=" + start + "&end_time=" + end,
                        "application/json",
                        body -> assertThat(occurrences(body, "\"count\"")).isBetween(1_440, 1_441)));
                Figures export = run(
                        "CSV export of one GPU's day (~40,500 rows)",
                        60,
                        () -> base + "/gpus/" + any(uuids) + "/telemetry?start_time=" + start + "&end_time=" + end,
                        "text/csv",
                        body -> assertThat(occurrences(body, "\n"))
                                .as("header and rows")
                                .isEqualTo(POINTS_PER_SERIES * metrics.size() + 1));
                results.add(export);
                String report = report(points, loadSeconds, results)
                        + String.format(
                                Locale.ROOT,
                                "%nThe CSV export streams %,.0f rows/s to one of %d clients (rows per export over its p50).%n",
                                POINTS_PER_SERIES * metrics.size() / (export.p50() / 1000.0),
                                CLIENTS);
                Files.writeString(Path.of("target", "api-benchmark.md"), report);
                System.out.println(report);
            }
        }
    }

    private static long load(
            String jdbc, Map<String, Gpu> gpus, List<String> metrics, Map<String, Double> values, Instant start)
            throws Exception {
        long startMicros = ChronoUnit.MICROS.between(Instant.EPOCH, start);
        long stepMicros = DAY.toNanos() / 1_000 / POINTS_PER_SERIES;
        long id = 1_000_000_000_000L;
        long points = 0;
        try (Connection connection = DriverManager.getConnection(jdbc, "postgres", "postgres")) {
            var copy = connection.unwrap(PGConnection.class).getCopyAPI();
            try (PreparedStatement gpu = connection.prepareStatement(
                    "INSERT INTO gpu (uuid, hostname, gpu_index, device, model, labels, metrics, first_seen_us, last_seen_us)"
                            + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (Gpu g : gpus.values()) {
                    gpu.setString(1, g.uuid());
                    gpu.setString(2, g.hostname());
                    gpu.setInt(3, g.index());
                    gpu.setString(4, g.device());
                    gpu.setString(5, g.model());
                    gpu.setString(6, g.labels());
                    gpu.setString(7, String.join(",", metrics.stream().sorted().toList()));
                    gpu.setLong(8, startMicros);
                    gpu.setLong(9, startMicros + (POINTS_PER_SERIES - 1) * stepMicros);
                    gpu.addBatch();
                }
                gpu.executeBatch();
            }
            try (PreparedStatement series = connection.prepareStatement(
                    "INSERT INTO telemetry_series (id, gpu_uuid, metric, workload_id) VALUES (?, ?, ?, 0)")) {
                for (Gpu g : gpus.values()) {
                    for (String metric : metrics) {
                        series.setLong(1, TelemetrySeries.idOf(g.uuid(), metric, TelemetrySeries.NO_WORKLOAD));
                        series.setString(2, g.uuid());
                        series.setString(3, metric);
                        series.addBatch();
                    }
                }
                series.executeBatch();
            }
            var random = ThreadLocalRandom.current();
            for (Gpu g : gpus.values()) {
                var rows = new StringBuilder(POINTS_PER_SERIES * metrics.size() * 64);
                Map<String, Long> series = new HashMap<>();
                metrics.forEach(metric ->
                        series.put(metric, TelemetrySeries.idOf(g.uuid(), metric, TelemetrySeries.NO_WORKLOAD)));
                for (int i = 0; i < POINTS_PER_SERIES; i++) {
                    long time = startMicros + i * stepMicros + random.nextLong(1_000_000);
                    for (String metric : metrics) {
                        double base = values.getOrDefault(g.uuid() + metric, 0.0);
                        rows.append(series.get(metric))
                                .append(',')
                                .append(time)
                                .append(',')
                                .append(id++)
                                .append(',')
                                .append(base + random.nextInt(10))
                                .append('\n');
                    }
                }
                points += copy.copyIn(
                        "COPY telemetry_point (series_id, time_us, id, metric_value) FROM STDIN WITH (FORMAT csv)",
                        new StringReader(rows.toString()));
            }
            try (Statement statement = connection.createStatement()) {
                // What autovacuum would long have done to a day of history; left to it, it works through the 10
                // million fresh rows during the measurements, competing for the same two cores.
                statement.execute("VACUUM ANALYZE");
                // Likewise the checkpoint that writes the loaded pages out.
                statement.execute("CHECKPOINT");
            }
        }
        assertThat(points).isGreaterThanOrEqualTo(10_000_000);
        return points;
    }

    /**
     * Walks through whole days of one GPU at a time, 10,000 points a page, one client; every walk must see every point
     * of the day once. Answers the figures over all pages, then by page position: with keyset paging the last page
     * should cost what the first does.
     */
    private static List<Figures> runPaged(String base, List<String> uuids, Instant start, Instant end, int pointsADay)
            throws Exception {
        Map<Integer, List<Double>> byPosition = new TreeMap<>();
        List<Double> latencies = new ArrayList<>();
        long begun = System.nanoTime();
        int requests = 0;
        for (int walk = 0; walk < 20; walk++) {
            String first =
                    base + "/gpus/" + any(uuids) + "/telemetry?limit=10000&start_time=" + start + "&end_time=" + end;
            String cursor = null;
            int points = 0;
            int position = 0;
            do {
                long t0 = System.nanoTime();
                var response = get(first + (cursor == null ? "" : "&cursor=" + cursor), "application/json");
                double millis = (System.nanoTime() - t0) / 1e6;
                latencies.add(millis);
                byPosition.computeIfAbsent(++position, p -> new ArrayList<>()).add(millis);
                requests++;
                points += occurrences(response, "\"metric\"");
                int at = response.indexOf("\"nextCursor\":\"");
                cursor = at < 0 ? null : response.substring(at + 14, response.indexOf('"', at + 14));
            } while (cursor != null);
            assertThat(points).as("points of the day, over all pages").isEqualTo(pointsADay);
        }
        double seconds = (System.nanoTime() - begun) / 1e9;
        List<Figures> figures = new ArrayList<>();
        figures.add(
                figures("one GPU, 24 hours paged (10,000 points a page, one client)", latencies, requests / seconds));
        byPosition.forEach((position, pageLatencies) ->
                figures.add(figures("… page " + position + " of " + byPosition.size(), pageLatencies, Double.NaN)));
        return figures;
    }

    /** 500 requests to warm up, then 1,000 one after the other; every answer checked outside the measured time. */
    private static Figures alone(String what, Callable<String> url, Consumer<String> check) throws Exception {
        return alone(what, 500, 1_000, url, check);
    }

    private static Figures alone(String what, int warmUps, int requests, Callable<String> url, Consumer<String> check)
            throws Exception {
        for (int i = 0; i < warmUps; i++) {
            check.accept(get(url.call(), "application/json"));
        }
        List<Double> latencies = new ArrayList<>();
        long begun = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            String target = url.call();
            long t0 = System.nanoTime();
            String body = get(target, "application/json");
            latencies.add((System.nanoTime() - t0) / 1e6);
            check.accept(body);
        }
        return figures(what, latencies, requests / ((System.nanoTime() - begun) / 1e9));
    }

    /**
     * A 512 MB heap, committed whole from the start as docs/operations.md advises (a heap that shrank while idle
     * collects its young generation several times a second, the slow tail); with {@code -Dbenchmark.jfr=true} a flight
     * recording.
     */
    private static List<String> serverOptions() {
        List<String> options = new ArrayList<>(List.of("-Xms512m", "-Xmx512m"));
        if (Boolean.getBoolean("benchmark.jfr")) {
            options.add("-XX:StartFlightRecording=filename=target/api-benchmark.jfr,settings=profile");
        }
        return options;
    }

    private static Figures run(String what, int requests, Callable<String> url, String accept, Consumer<String> check)
            throws Exception {
        for (int i = 0; i < Math.min(20, requests / 5); i++) {
            check.accept(get(url.call(), accept));
        }
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<Double>> done = new ArrayList<>();
        long begun = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            String target = url.call();
            done.add(clients.submit(() -> {
                long t0 = System.nanoTime();
                String body = get(target, accept);
                double millis = (System.nanoTime() - t0) / 1e6;
                check.accept(body);
                return millis;
            }));
        }
        List<Double> latencies = new ArrayList<>();
        for (Future<Double> f : done) {
            latencies.add(f.get());
        }
        double seconds = (System.nanoTime() - begun) / 1e9;
        clients.shutdown();
        return figures(what, latencies, requests / seconds);
    }

    private static Figures figures(String what, List<Double> latencies, double perSecond) {
        double[] sorted =
                latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Figures(
                what,
                sorted.length,
                sorted[(int) Math.floor(0.50 * (sorted.length - 1))],
                sorted[(int) Math.floor(0.99 * (sorted.length - 1))],
                perSecond);
    }

    private static String get(String url, String accept) throws IOException, InterruptedException {
        var response = HTTP.send(
                HttpRequest.newBuilder(URI.create(url)).header("Accept", accept).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s: %s", url, response.body()).isEqualTo(200);
        return response.body();
    }

    private static String any(List<String> uuids) {
        return uuids.get(ThreadLocalRandom.current().nextInt(uuids.size()));
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + part.length())) {
            count++;
        }
        return count;
    }

    private static String report(long points, double loadSeconds, List<Figures> results) {
        var out = new StringBuilder();
        out.append(String.format(
                "GPU API on PostgreSQL 17 (embedded), %,d points of 247 GPUs × 10 metrics over 24 h, loaded in %.0f s "
                        + "with COPY; %d concurrent clients unless noted.%n%n",
                points, loadSeconds, CLIENTS));
        out.append("| request | requests | p50 ms | p99 ms | requests/s |\n|---|---|---|---|---|\n");
        for (Figures f : results) {
            out.append(String.format(
                    "| %s | %d | %.1f | %.1f | %s |%n",
                    f.what(),
                    f.requests(),
                    f.p50(),
                    f.p99(),
                    Double.isNaN(f.requestsPerSecond()) ? "" : String.format("%.1f", f.requestsPerSecond())));
        }
        return out.toString();
    }
}
