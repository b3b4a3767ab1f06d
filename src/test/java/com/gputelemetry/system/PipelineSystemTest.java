package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

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

    private static final HttpClient HTTP = Http.CLIENT;
    private static final Jsonb JSON = JsonbBuilder.create();

    @RegisterExtension
    static final Closing CLOSING = new Closing();

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
        server = CLOSING.add(PackagedServer.start(database.environment(scratch), name + "-pipeline"));
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

    @Test
    void theSampleTravelsFromTheStreamerThroughTheQueueIntoTheApi() throws Exception {
        Instant before = Instant.now();
        // Each database's class its own instance id and state: a state left by the other class is not this run's.
        String instanceId = server.name();
        var run = StreamerProcess.run(
                server.name(),
                "--no-loop",
                "--url",
                server.baseUrl(),
                "--instance-id",
                instanceId,
                "--state-dir",
                Files.createTempDirectory(Path.of("target"), instanceId + "-state-")
                        .toString(),
                "--interval",
                "0ms",
                "--batch-size",
                "500");

        assertThat(run.exitCode()).as("exit code; stderr:%n%s", run.stderr()).isZero();
        StreamerProcess.Summary summary = run.summary();
        assertThat(summary.event()).isEqualTo("summary");
        assertThat(summary.instanceId()).isEqualTo(instanceId);
        assertThat(summary.rowsRead()).isEqualTo(SAMPLE_ROWS);
        assertThat(summary.rowsAcked()).isEqualTo(SAMPLE_ROWS);
        assertThat(summary.rowsRejected()).isZero();
        assertThat(summary.batches()).isEqualTo(5);

        // The collectors store asynchronously: wait until every acknowledged row is visible.
        List<Gpu> gpus = awaitAllPointsStored();
        assertThat(gpus).hasSize(SAMPLE_GPUS);
        assertThat(gpus).extracting(Gpu::uuid).doesNotHaveDuplicates().allMatch(uuid -> uuid.startsWith("GPU-"));
        assertThat(gpus.stream().map(Gpu::hostname).distinct()).hasSize(31);

        for (Gpu gpu : gpus) {
            Series series = get("/api/v1/gpus/" + gpu.uuid() + "/telemetry", Series.class);
            assertThat(series.gpu()).isEqualTo(gpu.uuid());
            assertThat(series.items()).hasSize(METRICS);
            assertThat(series.items()).extracting(Point::metric).doesNotHaveDuplicates();
            for (Point point : series.items()) {
                assertThat(point.value())
                        .as("%s of %s as in the sample", point.metric(), gpu.uuid())
                        .isEqualTo(TelemetryCsv.sampleValue(gpu.uuid(), point.metric()));
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

    /**
     * Values at the edges, posted as any producer may: what is accepted must read back exactly as sent, at the time it
     * was sent for, and what is refused must be listed with its line and be nowhere in the store.
     */
    @Test
    void edgeValuesReadBackAsSentAndRefusedRowsAreNotStored() throws Exception {
        String gpu = "GPU-edges-" + server.name();
        String garbled = "GPU-not-utf8-" + server.name();
        var body = new ByteArrayOutputStream();
        body.writeBytes(utf8(TelemetryCsv.HEADER + "\n"));
        body.writeBytes(utf8(edgeRow("2026-11-22T10:00:00Z", "DCGM_FI_DEV_GPU_TEMP", gpu, "1e999"))); // line 2
        body.writeBytes(utf8(edgeRow("2026-11-22T10:00:01Z", "DCGM_FI_DEV_GPU_TEMP", gpu, "NaN"))); // line 3
        body.writeBytes(utf8(edgeRow("2026-11-22T10:00:02Z", "DCGM_FI_DEV_GPU_TEMP", gpu, "-0"))); // line 4
        body.writeBytes(utf8(edgeRow("0001-01-01T00:00:00Z", "DCGM_FI_DEV_POWER_USAGE", gpu, "7"))); // line 5
        body.writeBytes(utf8(edgeRow("9999-12-31T23:59:59.999999Z", "DCGM_FI_DEV_POWER_USAGE", gpu, "8"))); // 6
        body.writeBytes(
                utf8(edgeRow("2026-11-22T10:00:03Z", "DCGM_FI_DEV_POWER_USAGE", gpu, "1.7976931348623157E308")));
        body.writeBytes(utf8(edgeRow("2026-11-22T10:00:04Z", "DCGM_FI_DEV_POWER_USAGE", gpu, "4.9E-324"))); // 8
        // Line 9: a host name in Latin-1, not UTF-8.
        body.writeBytes(edgeRow("2026-11-22T10:00:05Z", "DCGM_FI_DEV_GPU_TEMP", garbled, "9")
                .replace("edge-host", "h\u00f6st")
                .getBytes(StandardCharsets.ISO_8859_1));
        var answer = Http.ingest(server, "edges-" + server.name(), 0, null, body.toByteArray());
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        Map<?, ?> receipt = JSON.fromJson(answer.body(), Map.class);
        assertThat(((Number) receipt.get("accepted")).intValue()).isEqualTo(5);
        assertThat((List<?>) receipt.get("rejected"))
                .extracting(
                        rejection -> ((Map<?, ?>) rejection).get("line") + ": " + ((Map<?, ?>) rejection).get("reason"))
                .containsExactly(
                        "2: value is not a finite number: '1e999'",
                        "3: value is not a finite number: 'NaN'",
                        "9: Hostname is not UTF-8 text");

        String everything = "/api/v1/gpus/" + gpu
                + "/telemetry?start_time=0001-01-01T00:00:00Z&end_time=9999-12-31T23:59:59.999999Z";
        Series stored = Poll.until(
                        "the accepted rows stored (points)",
                        Duration.ofSeconds(30),
                        Duration.ofMillis(200),
                        () -> HTTP.send(request(everything), HttpResponse.BodyHandlers.ofString()),
                        response -> response.statusCode() == 200
                                && JSON.fromJson(response.body(), Series.class)
                                                .items()
                                                .size()
                                        == 5)
                .body()
                .transform(json -> JSON.fromJson(json, Series.class));
        assertThat(stored.items())
                .extracting(point -> point.timestamp() + " " + point.metric() + " " + point.value())
                .containsExactly(
                        "0001-01-01T00:00:00Z DCGM_FI_DEV_POWER_USAGE 7.0",
                        "2026-11-22T10:00:02Z DCGM_FI_DEV_GPU_TEMP 0.0",
                        "2026-11-22T10:00:03Z DCGM_FI_DEV_POWER_USAGE 1.7976931348623157E308",
                        "2026-11-22T10:00:04Z DCGM_FI_DEV_POWER_USAGE 4.9E-324",
                        "9999-12-31T23:59:59.999999Z DCGM_FI_DEV_POWER_USAGE 8.0");
        assertThat(HTTP.send(request("/api/v1/gpus/" + garbled), HttpResponse.BodyHandlers.ofString())
                        .statusCode())
                .as("the GPU of the refused row was never stored")
                .isEqualTo(404);
    }

    /** What the GPU served, as the detail lists it. */
    public record Workload(String namespace, String pod, String container, String firstSeen, String lastSeen) {}

    public record GpuWorkloads(String uuid, List<Workload> workloads, Map<String, String> labels) {}

    /**
     * The exporter's {@code namespace}, {@code pod} and {@code container} are stored with each point: which pod held
     * the GPU when, its GPUs by namespace or pod, and its telemetry while one pod held it.
     */
    @Test
    void theWorkloadsAGpuServedAreKeptWithItsPointsAndFilterItsTelemetry() throws Exception {
        String gpu = TelemetryCsv.unique("GPU-workloads");
        String namespace = TelemetryCsv.unique("team");
        String csv = "timestamp,metric_name,gpu_id,device,uuid,modelName,Hostname,container,pod,namespace,value\n"
                + workloadRow("2026-11-22T10:00:00Z", gpu, "trainer", "llm-0", namespace, 10)
                + workloadRow("2026-11-22T10:00:30Z", gpu, "trainer", "llm-0", namespace, 11)
                + workloadRow("2026-11-22T10:01:00Z", gpu, "", "", "", 0)
                + workloadRow("2026-11-22T10:01:30Z", gpu, "server", "vllm-0", namespace, 50)
                // Late: a point of the first pod that arrives after the second pod's.
                + workloadRow("2026-11-22T09:59:30Z", gpu, "trainer", "llm-0", namespace, 9);
        var answer =
                Http.ingest(server, TelemetryCsv.unique("workloads"), 0, null, csv.getBytes(StandardCharsets.UTF_8));
        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);

        GpuWorkloads detail = Poll.until(
                        "the GPU with both workloads (detail)",
                        Duration.ofSeconds(30),
                        Duration.ofMillis(200),
                        () -> HTTP.send(request("/api/v1/gpus/" + gpu), HttpResponse.BodyHandlers.ofString()),
                        response -> response.statusCode() == 200
                                && JSON.fromJson(response.body(), GpuWorkloads.class)
                                                .workloads()
                                                .size()
                                        == 2)
                .body()
                .transform(json -> JSON.fromJson(json, GpuWorkloads.class));
        assertThat(detail.workloads())
                .as("which pod held the GPU when, the earliest first, the late point included")
                .containsExactly(
                        new Workload(namespace, "llm-0", "trainer", "2026-11-22T09:59:30Z", "2026-11-22T10:00:30Z"),
                        new Workload(namespace, "vllm-0", "server", "2026-11-22T10:01:30Z", "2026-11-22T10:01:30Z"));
        assertThat(detail.labels()).doesNotContainKeys("pod", "namespace", "container");

        assertThat(gpus("?namespace=" + namespace)).containsExactly(gpu);
        assertThat(gpus("?namespace=" + namespace + "&pod=vllm-0")).containsExactly(gpu);
        assertThat(gpus("?pod=llm-0&namespace=" + namespace)).containsExactly(gpu);
        assertThat(gpus("?namespace=" + namespace + "&pod=nobody")).isEmpty();

        String telemetry = "/api/v1/gpus/" + gpu + "/telemetry?start_time=2026-11-22T00:00:00Z";
        assertThat(values(telemetry + "&pod=llm-0")).as("while llm-0 held it").containsExactly(9.0, 10.0, 11.0);
        assertThat(values(telemetry + "&pod=vllm-0&namespace=" + namespace)).containsExactly(50.0);
        assertThat(values(telemetry + "&namespace=" + namespace)).containsExactly(9.0, 10.0, 11.0, 50.0);
        assertThat(values(telemetry + "&pod=nobody"))
                .as("a pod it never served: 200, empty")
                .isEmpty();
        assertThat(values(telemetry))
                .as("every point, the one without a pod too")
                .hasSize(5);
    }

    private static String workloadRow(
            String time, String gpu, String container, String pod, String namespace, double value) {
        return String.join(
                        ",",
                        time,
                        "DCGM_FI_DEV_GPU_UTIL",
                        "0",
                        "nvidia0",
                        gpu,
                        "H100",
                        "workload-host",
                        container,
                        pod,
                        namespace,
                        Double.toString(value))
                + "\n";
    }

    private static List<String> gpus(String query) throws Exception {
        var response = HTTP.send(request("/api/v1/gpus" + query), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return JSON.fromJson(response.body(), GpuPage.class).items().stream()
                .map(Gpu::uuid)
                .toList();
    }

    private static List<Double> values(String path) throws Exception {
        var response = HTTP.send(request(path), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("%s: %s", path, response.body()).isEqualTo(200);
        return JSON.fromJson(response.body(), Series.class).items().stream()
                .map(Point::value)
                .toList();
    }

    private static String edgeRow(String time, String metric, String gpu, String value) {
        return TelemetryCsv.row(time, metric, gpu, "edge-host", value);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    /** The fleet's latest values page to the end, within the limits the API states: 100 by default, 1 to 1,000. */
    @Test
    void theLatestValuesPageToTheEndWithinTheirLimits() throws Exception {
        String host = "latest-" + server.name();
        int gpus = 250;
        StringBuilder csv = new StringBuilder(TelemetryCsv.HEADER).append('\n');
        for (int i = 0; i < gpus; i++) {
            csv.append(TelemetryCsv.row(
                    "2026-11-22T10:00:00Z", "DCGM_FI_DEV_GPU_TEMP", String.format("GPU-%s-%03d", host, i), host, i));
        }
        var posted = Http.ingest(server, csv.toString());
        assertThat(posted.statusCode()).as(posted.body()).isEqualTo(200);
        QueueProgress.awaitCollectorsCaughtUp(server);

        String query = "/api/v1/telemetry/latest?metric=DCGM_FI_DEV_GPU_TEMP&hostname=" + host;
        List<Integer> pageSizes = new ArrayList<>();
        List<String> values = new ArrayList<>();
        String cursor = null;
        do {
            Map<?, ?> page = get(query + (cursor == null ? "" : "&cursor=" + cursor), Map.class);
            List<?> items = (List<?>) page.get("items");
            pageSizes.add(items.size());
            for (Object item : items) {
                Map<?, ?> gpu = (Map<?, ?>) item;
                Map<?, ?> latest = (Map<?, ?>) ((List<?>) gpu.get("latest")).get(0);
                values.add(gpu.get("uuid") + "=" + ((Number) latest.get("value")).intValue());
            }
            cursor = (String) page.get("nextCursor");
        } while (cursor != null);
        assertThat(pageSizes)
                .as("pages of the default size, the last one the rest")
                .containsExactly(100, 100, 50);
        assertThat(values)
                .as("every GPU once, in list order, with its latest value")
                .containsExactlyElementsOf(IntStream.range(0, gpus)
                        .mapToObj(i -> String.format("GPU-%s-%03d=%d", host, i, i))
                        .toList());

        assertThat(((List<?>) get(query + "&limit=1000", Map.class).get("items")))
                .hasSize(gpus);
        for (String limit : new String[] {"0", "1001", "-1", "many"}) {
            var refused = HTTP.send(request(query + "&limit=" + limit), HttpResponse.BodyHandlers.ofString());
            assertThat(refused.statusCode())
                    .as("limit=%s: %s", limit, refused.body())
                    .isEqualTo(400);
            assertThat(JSON.fromJson(refused.body(), Map.class).get("parameter"))
                    .isEqualTo("limit");
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
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
        Map<?, ?> readiness = JSON.fromJson(ready.body(), Map.class);
        assertThat(readiness.get("status")).isEqualTo("UP");
        assertThat((List<?>) readiness.get("checks"))
                .extracting(check -> ((Map<?, ?>) check).get("name") + " " + ((Map<?, ?>) check).get("status"))
                .contains("database UP", "collectors UP");

        var openApi = HTTP.send(request("/openapi"), HttpResponse.BodyHandlers.ofString());
        assertThat(openApi.statusCode()).isEqualTo(200);
        assertThat(openApi.body())
                .contains("GPU Telemetry Pipeline API", "/api/v1/gpus/{uuid}/telemetry", "/api/v1/ingest");

        QueueProgress.awaitCollectorsCaughtUp(server);
        ServerMetrics.assertAgreeWithTheQueueOfALoneServer(server);
        assertThat(ServerMetrics.scrape(server).text()).contains("group=\"collectors\"");

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

    /** The sample's GPUs only: the other tests of the class make up GPUs of their own. */
    private static Listed listed() throws Exception {
        List<Gpu> gpus = get("/api/v1/gpus", GpuPage.class).items().stream()
                .filter(gpu -> TelemetryCsv.isSampleGpu(gpu.uuid()))
                .toList();
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
