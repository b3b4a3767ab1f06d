package com.gputelemetry.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.StringReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * Not a test: the GPU API's speed on a large store. Loads 10 million points (the sample's 247 GPUs × 10 metrics,
 * one point per series every ~21 s over 24 hours) into an embedded PostgreSQL with COPY, starts the packaged server
 * on it, then measures latency (p50/p99) and requests/s over HTTP with 4 concurrent clients. Run with
 * {@code ./mvnw -B verify -Papi-benchmark}; writes {@code ear/target/api-benchmark.md}.
 */
class ApiBenchmarkIT {

    private static final int POINTS_PER_SERIES = 4_050;
    private static final Duration DAY = Duration.ofHours(24);
    private static final int CLIENTS = 4;
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

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
            int port = freePort();
            Process server = startServer(jdbc, data, port);
            try {
                awaitReady(port);
                long loadStarted = System.nanoTime();
                long points = load(jdbc, gpus, metrics, sampleValues, start);
                double loadSeconds = (System.nanoTime() - loadStarted) / 1e9;

                List<String> uuids = new ArrayList<>(gpus.keySet());
                String base = "http://localhost:" + port + "/api/v1";
                List<Figures> results = new ArrayList<>();
                results.add(run("GPU list (247 GPUs)", 400, () -> base + "/gpus", "application/json"));
                results.add(run(
                        "one GPU, 1 hour (all metrics, ~1,700 points, one page)",
                        400,
                        () -> base + "/gpus/" + any(uuids) + "/telemetry?limit=10000&start_time="
                                + end.minus(Duration.ofHours(1)) + "&end_time=" + end,
                        "application/json"));
                results.add(runPaged(base, uuids, start, end));
                results.add(run(
                        "summary, 1-minute steps over 24 hours (one metric, 1,440 buckets)",
                        200,
                        () -> base + "/gpus/" + any(uuids) + "/telemetry/summary?metric=" + metrics.get(3)
                                + "&step=1m&start_time=" + start + "&end_time=" + end,
                        "application/json"));
                results.add(run(
                        "CSV export of one GPU's day (~40,500 rows)",
                        60,
                        () -> base + "/gpus/" + any(uuids) + "/telemetry?start_time=" + start + "&end_time=" + end,
                        "text/csv"));
                String report = report(points, loadSeconds, results);
                Files.writeString(Path.of("target", "api-benchmark.md"), report);
                System.out.println(report);
            } finally {
                server.destroy();
                server.waitFor(60, TimeUnit.SECONDS);
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
            var random = ThreadLocalRandom.current();
            for (Gpu g : gpus.values()) {
                var rows = new StringBuilder(POINTS_PER_SERIES * metrics.size() * 90);
                for (int i = 0; i < POINTS_PER_SERIES; i++) {
                    long time = startMicros + i * stepMicros + random.nextLong(1_000_000);
                    for (String metric : metrics) {
                        double base = values.getOrDefault(g.uuid() + metric, 0.0);
                        rows.append(id++)
                                .append(',')
                                .append(g.uuid())
                                .append(',')
                                .append(metric)
                                .append(',')
                                .append(time)
                                .append(',')
                                .append(base + random.nextInt(10))
                                .append('\n');
                    }
                }
                points += copy.copyIn(
                        "COPY telemetry_point (id, gpu_uuid, metric, time_us, metric_value) FROM STDIN WITH (FORMAT csv)",
                        new StringReader(rows.toString()));
            }
            try (Statement statement = connection.createStatement()) {
                statement.execute("ANALYZE");
            }
        }
        assertThat(points).isGreaterThanOrEqualTo(10_000_000);
        return points;
    }

    private static Figures runPaged(String base, List<String> uuids, Instant start, Instant end) throws Exception {
        // Every request is one page of a walk through one GPU's day, 10,000 points a page.
        List<Double> latencies = new ArrayList<>();
        long begun = System.nanoTime();
        int requests = 0;
        for (int walk = 0; walk < 20; walk++) {
            String first =
                    base + "/gpus/" + any(uuids) + "/telemetry?limit=10000&start_time=" + start + "&end_time=" + end;
            String cursor = null;
            do {
                long t0 = System.nanoTime();
                var response = get(first + (cursor == null ? "" : "&cursor=" + cursor), "application/json");
                latencies.add((System.nanoTime() - t0) / 1e6);
                requests++;
                int at = response.indexOf("\"nextCursor\":\"");
                cursor = at < 0 ? null : response.substring(at + 14, response.indexOf('"', at + 14));
            } while (cursor != null);
        }
        double seconds = (System.nanoTime() - begun) / 1e9;
        return figures("one GPU, 24 hours paged (10,000 points a page, one client)", latencies, requests / seconds);
    }

    private static Figures run(String what, int requests, Callable<String> url, String accept) throws Exception {
        for (int i = 0; i < Math.min(20, requests / 5); i++) {
            get(url.call(), accept);
        }
        ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
        List<Future<Double>> done = new ArrayList<>();
        long begun = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            String target = url.call();
            done.add(clients.submit(() -> {
                long t0 = System.nanoTime();
                get(target, accept);
                return (System.nanoTime() - t0) / 1e6;
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

    private static int freePort() throws IOException {
        try (var socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static Process startServer(String jdbc, Path data, int port) throws IOException {
        var builder = new ProcessBuilder(
                        "java", "-Xmx1g", "-jar", System.getProperty("server.jar"), "--port", Integer.toString(port))
                .redirectErrorStream(true)
                .redirectOutput(data.resolve("server.log").toFile());
        builder.environment()
                .putAll(Map.of(
                        "TELEMETRY_DB_DATASOURCE", "org.postgresql.ds.PGSimpleDataSource",
                        "TELEMETRY_DB_URL", jdbc,
                        "TELEMETRY_DB_USER", "postgres",
                        "TELEMETRY_DB_PASSWORD", "postgres"));
        return builder.start();
    }

    private static void awaitReady(int port) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            try {
                var ready = HTTP.send(
                        HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/health/ready"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("the server did not become ready");
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
                    "| %s | %d | %.1f | %.1f | %.1f |%n",
                    f.what(), f.requests(), f.p50(), f.p99(), f.requestsPerSecond()));
        }
        return out.toString();
    }
}
