package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Debian's Prometheus (the test command installs the package when it is missing), started with a configuration the
 * test writes, its data in a directory of its own. Its query API tells what it scraped.
 */
public final class PrometheusServer implements AutoCloseable {

    private final Process process;
    private final URI uri;
    private final Path log;

    private PrometheusServer(Process process, URI uri, Path log) {
        this.process = process;
        this.uri = uri;
        this.log = log;
    }

    public static PrometheusServer start(String configuration) throws Exception {
        String executable = System.getenv().getOrDefault("PROMETHEUS", "/usr/bin/prometheus");
        assertThat(Path.of(executable))
                .as("%s: the test command installs the package prometheus when missing", executable)
                .isExecutable();
        Path directory = Files.createTempDirectory(Path.of("target"), "prometheus-");
        Path config = Files.writeString(directory.resolve("prometheus.yml"), configuration);
        Path log = directory.resolve("prometheus.log");
        int port = FreePorts.one();
        Process process = new ProcessBuilder(
                        executable,
                        "--config.file=" + config,
                        "--storage.tsdb.path=" + directory.resolve("data"),
                        "--web.listen-address=127.0.0.1:" + port,
                        "--log.level=warn")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        var prometheus = new PrometheusServer(process, URI.create("http://127.0.0.1:" + port), log);
        Poll.until(
                "Prometheus ready (log: " + log + ")",
                Duration.ofSeconds(60),
                () -> prometheus.readyStatus(),
                status -> status == 200);
        return prometheus;
    }

    private int readyStatus() throws InterruptedException {
        assertThat(process.isAlive()).as("Prometheus running; its log: %s", log).isTrue();
        try {
            return Http.send(HttpRequest.newBuilder(uri.resolve("/-/ready")).build())
                    .statusCode();
        } catch (IOException notYet) {
            return -1;
        }
    }

    URI uri(String path) {
        return uri.resolve(path);
    }

    /** An instant query's result at {@code time}, as Prometheus answers it. */
    public QueryResult query(String promql, Instant time) throws IOException, InterruptedException {
        var response = Http.send(HttpRequest.newBuilder(uri.resolve("/api/v1/query?query="
                        + URLEncoder.encode(promql, StandardCharsets.UTF_8) + "&time="
                        + time.toEpochMilli() / 1000.0))
                .build());
        assertThat(response.statusCode()).as("%s: %s", promql, response.body()).isEqualTo(200);
        return Http.fromJson(response.body(), QueryResult.class);
    }

    /** The sum of one of Prometheus' own metrics' series, as its {@code /metrics} shows them now (0 when it has none). */
    public double ownMetric(String name) throws IOException, InterruptedException {
        var response = Http.send(HttpRequest.newBuilder(uri.resolve("/metrics")).build());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body()
                .lines()
                .filter(line -> line.startsWith(name + " ") || line.startsWith(name + "{"))
                .mapToDouble(line -> Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .sum();
    }

    /** {@code promtool} of the same package, with its output; fails the test when it exits with an error. */
    static String promtool(String... arguments) throws Exception {
        return promtool(new byte[0], arguments);
    }

    /** {@code promtool} reading {@code input}, as {@code promtool check metrics} does. */
    static String promtool(byte[] input, String... arguments) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/promtool"));
        command.addAll(List.of(arguments));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try (var stdin = process.getOutputStream()) {
            stdin.write(input);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor()).as("%s:%n%s", command, output).isZero();
        return output;
    }

    /**
     * A configuration that scrapes the application's own metrics on {@code server} every second, as job
     * {@code gpu-telemetry}.
     */
    static String scrapingTheApplication(RunningServer server) {
        URI target = server.uri(ServerMetrics.PATH);
        return """
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: gpu-telemetry
                    metrics_path: %s
                    static_configs:
                      - targets: ['%s:%d']
                """
                .formatted(target.getPath(), target.getHost(), target.getPort());
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }

    /** Prometheus' answer to a query: a vector has a value per series, a matrix values. */
    public record QueryResult(String status, Data data) {

        public record Data(String resultType, List<Series> result) {}

        /** Each value is [seconds since the epoch, value as text]. */
        public record Series(Map<String, String> metric, List<Object> value, List<List<Object>> values) {}
    }
}
