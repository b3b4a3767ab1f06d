package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * Black box: the packaged server jar and the streamer jar, as a user runs them, talking real HTTP. The streamer
 * sends the real DCGM sample once; the GPU API must then show every GPU with every one of its points. Each database
 * the server supports gets a subclass that says how the server reaches it.
 */
// Public, with public records: JSON-B reads the replies into them reflectively.
public abstract class PipelineSystemTest {

    private static final int SAMPLE_ROWS = 2_470;
    private static final int SAMPLE_GPUS = 247;
    private static final int METRICS = 10;

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Jsonb JSON = JsonbBuilder.create();

    private static PackagedServer server;

    /** Starts the database if it is a server of its own, and answers the environment that points the server at it. */
    interface Database {
        Map<String, String> environment(Path scratch) throws Exception;
    }

    public record Gpu(
            String uuid,
            String hostname,
            int gpuIndex,
            String device,
            String model,
            String firstSeen,
            String lastSeen) {}

    public record GpuPage(List<Gpu> items, String nextCursor) {}

    public record Point(String timestamp, String metric, double value) {}

    public record Series(String gpu, List<Point> items, String nextCursor) {}

    static void startServer(String name, Database database) throws Exception {
        Path scratch = Files.createTempDirectory("telemetry-system-test");
        server = PackagedServer.start(database.environment(scratch), name);
    }

    @Test
    void withoutAnAdminTokenTheAdminEndpointsAreClosedAndTheServerSaysSo() throws Exception {
        var resize = HTTP.send(
                HttpRequest.newBuilder(server.uri("/api/v1/queue/groups/collectors/workers"))
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"workers\":2}"))
                        .header("Content-Type", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(resize.statusCode()).isEqualTo(403);
        assertThat(resize.body()).contains("the admin endpoints are closed: the server has no ADMIN_TOKEN");
        assertThat(server.log()).contains("closed to everyone (ADMIN_TOKEN not set)");
        // Reading stays open without READ_TOKEN.
        assertThat(HTTP.send(request("/api/v1/queue/groups"), HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .isEqualTo(200);
    }

    @AfterAll
    static void stopServer() throws Exception {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    @Test
    void theSampleTravelsFromTheStreamerThroughTheQueueIntoTheApi() throws Exception {
        Instant before = Instant.now();
        var run = StreamerProcess.run(
                server.name(),
                "--no-loop",
                "--url",
                server.baseUrl(),
                "--instance-id",
                "system-test",
                "--interval",
                "0ms",
                "--batch-size",
                "500");

        assertThat(run.exitCode()).as("exit code; stderr:%n%s", run.stderr()).isZero();
        StreamerProcess.Summary summary = run.summary();
        assertThat(summary.event()).isEqualTo("summary");
        assertThat(summary.instanceId()).isEqualTo("system-test");
        assertThat(summary.rowsRead()).isEqualTo(SAMPLE_ROWS);
        assertThat(summary.rowsAcked()).isEqualTo(SAMPLE_ROWS);
        assertThat(summary.rowsRejected()).isZero();
        assertThat(summary.batches()).isEqualTo(5);

        // The collectors store asynchronously: wait until every acknowledged row is visible.
        List<Gpu> gpus = awaitAllPointsStored();
        assertThat(gpus).hasSize(SAMPLE_GPUS);
        assertThat(gpus).extracting(Gpu::uuid).doesNotHaveDuplicates().allMatch(uuid -> uuid.startsWith("GPU-"));
        assertThat(gpus.stream().map(Gpu::hostname).distinct()).hasSize(31);

        SampleValues sample = SampleValues.read();
        assertThat(sample.size()).isEqualTo(SAMPLE_ROWS);
        for (Gpu gpu : gpus) {
            Series series = get("/api/v1/gpus/" + gpu.uuid() + "/telemetry", Series.class);
            assertThat(series.gpu()).isEqualTo(gpu.uuid());
            assertThat(series.items()).hasSize(METRICS);
            assertThat(series.items()).extracting(Point::metric).doesNotHaveDuplicates();
            for (Point point : series.items()) {
                assertThat(point.value())
                        .as("%s of %s as in the sample", point.metric(), gpu.uuid())
                        .isEqualTo(sample.of(gpu.uuid(), point.metric()));
            }
            List<Instant> times = series.items().stream()
                    .map(p -> Instant.parse(p.timestamp()))
                    .toList();
            assertThat(times).isSorted();
            // A row's timestamp is the time the streamer processed it, not the 2025 scrape time in the file.
            assertThat(times).allMatch(t -> !t.isBefore(before.minusSeconds(1)) && t.isBefore(Instant.now()));
            assertThat(series.nextCursor()).isNull();
        }
    }

    @Test
    void badParametersAreProblemsNamingTheParameter() throws Exception {
        var malformed = HTTP.send(
                request("/api/v1/gpus/GPU-unknown/telemetry?start_time=yesterday"),
                HttpResponse.BodyHandlers.ofString());
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        Map<?, ?> problem = JSON.fromJson(malformed.body(), Map.class);
        assertThat(problem.get("parameter")).isEqualTo("start_time");
        assertThat(((Number) problem.get("status")).intValue()).isEqualTo(400);

        var unknown = HTTP.send(request("/api/v1/gpus/GPU-unknown/telemetry"), HttpResponse.BodyHandlers.ofString());
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
    }

    @Test
    void healthMetricsAndOpenApiAreServedAtTheServerRoot() throws Exception {
        var started = HTTP.send(request("/health/started"), HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).isEqualTo(200);
        assertThat(started.body()).contains("\"application\"");
        var live = HTTP.send(request("/health/live"), HttpResponse.BodyHandlers.ofString());
        assertThat(live.statusCode()).isEqualTo(200);
        var ready = HTTP.send(request("/health/ready"), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.body()).contains("\"database\"", "\"collectors\"");

        var openApi = HTTP.send(request("/openapi"), HttpResponse.BodyHandlers.ofString());
        assertThat(openApi.statusCode()).isEqualTo(200);
        assertThat(openApi.body())
                .contains("GPU Telemetry Pipeline API", "/api/v1/gpus/{uuid}/telemetry", "/api/v1/ingest");

        var metrics = HTTP.send(request("/metrics"), HttpResponse.BodyHandlers.ofString());
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("queue_lag", "queue_delivered", "group=\"collectors\"");

        var swaggerUi = HTTP.send(request("/swagger-ui/index.html"), HttpResponse.BodyHandlers.ofString());
        assertThat(swaggerUi.statusCode()).isEqualTo(200);
        assertThat(swaggerUi.body()).contains("SwaggerUIBundle");
    }

    private static List<Gpu> awaitAllPointsStored() throws Exception {
        return Poll.until(
                        "every point listed by the API (GPUs, points)",
                        Duration.ofSeconds(90),
                        Duration.ofMillis(500),
                        PipelineSystemTest::listed,
                        listed -> listed.points() == SAMPLE_ROWS)
                .gpus();
    }

    /** The GPUs the API lists, and how many points their series hold together. */
    private record Listed(List<Gpu> gpus, int points) {

        @Override
        public String toString() {
            return gpus.size() + " GPUs, " + points + " points";
        }
    }

    private static Listed listed() throws Exception {
        List<Gpu> gpus = get("/api/v1/gpus", GpuPage.class).items();
        int points = 0;
        for (Gpu gpu : gpus) {
            points += get("/api/v1/gpus/" + gpu.uuid() + "/telemetry", Series.class)
                    .items()
                    .size();
        }
        return new Listed(gpus, points);
    }

    private static <T> T get(String path, Class<T> type) throws IOException, InterruptedException {
        var response = HTTP.send(request(path), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("GET %s: %s", path, response.body())
                .isEqualTo(200);
        return JSON.fromJson(response.body(), type);
    }

    private static HttpRequest request(String path) {
        return HttpRequest.newBuilder(server.uri(path))
                .timeout(Duration.ofSeconds(30))
                .build();
    }
}
