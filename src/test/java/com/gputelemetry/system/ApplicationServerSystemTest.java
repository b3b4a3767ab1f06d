package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.openqa.selenium.By;

/**
 * Black box: the EAR on a real application server, as an operator gets it there. A stock distribution from Maven is
 * unpacked afresh, the operator's deploy script deploys the EAR onto it against an embedded PostgreSQL, and then the
 * pipeline is checked over HTTP and in a browser: readiness with the application's own checks, the OpenAPI document,
 * the sample end to end (stored once with its values, pushed live, on the dashboard), a collectors' rebalance while
 * streaming, a SIGKILL mid-stream with streamers on both transports after which every acknowledged row is stored
 * exactly once. Settings reach the application only through runs of the deploy script on the running server, each
 * test's run named in its name: the script sees nothing of the test's own environment but where programs are.
 * Each server gets a subclass.
 *
 * <p>The methods run in this order on one deployment, each building on the state the ones before left (a server costs
 * a minute to set up): the settings of a run hold until a later run changes them, so each method runs in the class's
 * thread ({@code SAME_THREAD}: a class's {@code CONCURRENT} would otherwise be its methods' too). The subclasses run one
 * after the other ({@code ResourceLock}), beside the rest of the system tests (the failsafe plugin's second lane, see
 * {@code ear/pom.xml}).
 */
// Public, with public records: JSON-B reads the replies into them reflectively.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Execution(ExecutionMode.CONCURRENT)
@ResourceLock("application-server")
public abstract class ApplicationServerSystemTest {

    private static final int WORKERS = 3;
    private static final int DEFAULT_WORKERS = 4;
    private static final int PARTITIONS = 8;
    private static final String INGEST_TOKEN = "system-test-ingest";
    private static final String ADMIN_TOKEN = "system-test-admin";
    private static final String READ_TOKEN = "system-test-read";

    private final Closing closing = new Closing();
    TestPostgres postgres;
    ApplicationServer server;
    /** Rows the streamers had acknowledged, over all tests so far: what the log must hold and the store too. */
    private long acknowledged;

    public record Check(String name, String status, Map<String, Object> data) {}

    public record Health(String status, List<Check> checks) {}

    public record Gpu(String uuid, String hostname) {}

    public record GpuPage(List<Gpu> items, String nextCursor) {}

    /** Deploys the EAR to the server with the operator's script, and says which server and how long it took. */
    void deploy(ApplicationServer applicationServer) throws Exception {
        postgres = closing.add(TestPostgres.start());
        server = closing.add(applicationServer);
        acknowledged = 0;
        String version = server.version();
        Duration took = server.deploy(firstRun());
        System.out.printf(
                "%s: the EAR deployed by %s and ready in %.1f s; its steps, with the seconds since it started:%n%s%n",
                version, server.deployScript(), seconds(took), server.scriptSteps());
    }

    /**
     * The first run: the database, an ingest token, and settings the application must see. No admin or read token:
     * a later run adds them to the running server.
     */
    private Map<String, String> firstRun() {
        var environment = new HashMap<>(database());
        environment.putAll(Map.of(
                "INGEST_TOKEN",
                INGEST_TOKEN,
                "COLLECTOR_WORKERS",
                Integer.toString(WORKERS),
                "QUEUE_PARTITIONS_TELEMETRY",
                Integer.toString(PARTITIONS),
                "QUEUE_RETENTION_CHECK_SECONDS",
                "1",
                // Rollups built every second: a backfilled hour is merged into its blocks at once.
                "ROLLUP_INTERVAL_SECONDS",
                "1",
                "ROLLUP_AFTER_SECONDS",
                "1",
                // A stable name: restarted after a kill, the server takes its partitions back at once.
                "QUEUE_INSTANCE_ID",
                server.name));
        return environment;
    }

    private Map<String, String> database() {
        return Map.of(
                "TELEMETRY_DB_URL",
                postgres.jdbcUrl(),
                "TELEMETRY_DB_USER",
                "postgres",
                "TELEMETRY_DB_PASSWORD",
                "postgres");
    }

    private Map<String, String> laterRun(Map<String, String> settings) {
        var environment = new HashMap<>(database());
        environment.putAll(settings);
        return environment;
    }

    @AfterAll
    void undeploy() throws Exception {
        closing.close();
    }

    @Test
    @Order(10)
    @Execution(ExecutionMode.SAME_THREAD)
    void readinessAndLivenessIncludeTheApplicationsOwnChecks() throws Exception {
        Health ready = health("/health/ready");
        assertThat(ready.status()).isEqualTo("UP");
        assertThat(ready.checks())
                .filteredOn(check -> List.of("database", "collectors").contains(check.name()))
                .hasSize(2)
                .allMatch(check -> check.status().equals("UP"));
        assertThat(ready.checks())
                .filteredOn(check -> check.name().equals("database"))
                .singleElement()
                .satisfies(check -> assertThat(check.data()).containsEntry("product", "PostgreSQL"));

        Health live = health("/health/live");
        assertThat(live.status()).isEqualTo("UP");
        assertThat(live.checks()).extracting(Check::name).contains("queue-dispatcher");
    }

    @Test
    @Order(20)
    @Execution(ExecutionMode.SAME_THREAD)
    void theOpenApiDocumentListsTheApi() throws Exception {
        var openApi = Http.get(server, "/openapi");
        assertThat(openApi.statusCode()).isEqualTo(200);
        assertThat(openApi.body()).contains("/api/v1/gpus", "/api/v1/gpus/{uuid}/telemetry", "/api/v1/ingest");
    }

    /** The script starts the server without them in its environment: they come from the server's configuration. */
    @Test
    @Order(30)
    @Execution(ExecutionMode.SAME_THREAD)
    void theFirstRunsSettingsReachTheApplication() throws Exception {
        assertThat(System.getenv()).doesNotContainKeys("ADMIN_TOKEN", "READ_TOKEN", "INGEST_TOKEN");
        assertThat(QueueProgress.collectors(server).workers()).isEqualTo(WORKERS);
        assertThat(QueueProgress.telemetryPartitions(server)).hasSize(PARTITIONS);

        assertThat(ingest(null).statusCode()).as("ingest without its token").isEqualTo(401);
        assertThat(ingest(ADMIN_TOKEN).statusCode())
                .as("ingest with a token the server does not have")
                .isEqualTo(401);
        assertAdminClosed();
        assertThat(Http.get(server, "/api/v1/gpus").statusCode())
                .as("reads are open without READ_TOKEN")
                .isEqualTo(200);
    }

    @Test
    @Order(40)
    @Execution(ExecutionMode.SAME_THREAD)
    void theSampleIsStoredOnceWithItsValuesPushedLiveAndShownOnTheDashboard() throws Exception {
        StreamerProcess.Summary summary;
        try (var fleet = SseSubscription.open(server, "/api/v1/telemetry/stream", null)) {
            summary = sendSample(server.name);
            var pushed = fleet.next("point", TelemetryCsv.SAMPLE_ROWS, Browser.WAIT);
            assertThat(pushed.stream().map(SseSubscription.Event::data).distinct())
                    .as("every point pushed once")
                    .hasSize(TelemetryCsv.SAMPLE_ROWS);
        }
        acknowledged += summary.rowsAcked();
        assertStoredExactlyOnceAsAcknowledged();

        GpuPage gpus = Http.getJson(server, "/api/v1/gpus?limit=1000", GpuPage.class);
        assertThat(gpus.items()).hasSize(TelemetryCsv.SAMPLE_GPUS);
        assertThat(gpus.items()).extracting(Gpu::uuid).doesNotHaveDuplicates();
        assertThat(gpus.nextCursor()).isNull();

        try (var browser = Browser.open(1400, 900)) {
            browser.get(server.uri("/").toString() + "#/");
            browser.awaitText(By.cssSelector("[data-testid=gpu-count]"), Integer.toString(TelemetryCsv.SAMPLE_GPUS));
            assertThat(browser.driver().findElements(By.cssSelector("[data-testid=gpu-row]")))
                    .hasSize(TelemetryCsv.SAMPLE_GPUS);
            browser.screenshot(server.name + "-fleet");
            browser.assertNoConsoleErrors();
        }
    }

    /**
     * GraphQL on this server: every query as the REST API answers it, paged to the end; refusals and a hostile corpus;
     * and subscriptions over the WebSocket (the fleet's, one GPU's) that get every point of a streamer's run, each
     * GPU's in order, within 2 s.
     */
    @Test
    @Order(42)
    @Execution(ExecutionMode.SAME_THREAD)
    void graphQLAnswersEveryQueryAsRestRefusesTheHostileAndPushesEveryPointOfAStreamer() throws Exception {
        GraphQLChecks.assertEveryQueryAnswersAsTheRestApi(server, GraphQLChecks.SAMPLE_GPU);
        GraphQLChecks.assertRefusalsAndAHostileCorpus(server, GraphQLChecks.SAMPLE_GPU);
        long warmUps = GraphQLChecks.assertTheFleetSubscriptionGetsEveryPointOfAStreamer(server, INGEST_TOKEN, () -> {
            // At the streamer's own pace: a batch of 500 rows a second.
            var run = StreamerProcess.run(server.name + "-graphql", "--url", server.baseUrl(), "--token", INGEST_TOKEN);
            assertThat(run.exitCode())
                    .as("streamer exit; stderr:%n%s", run.stderr())
                    .isZero();
            long rows = run.summary().rowsAcked();
            acknowledged += rows;
            return rows;
        });
        acknowledged += warmUps;
        assertStoredExactlyOnceAsAcknowledged();
    }

    /**
     * After the sample, before any rebalance: the application's own metrics, with the same names on every server, agree
     * with the queue and the streamer; {@code promtool} finds nothing to lint in them, and a real Prometheus scrapes
     * them.
     */
    @Test
    @Order(45)
    @Execution(ExecutionMode.SAME_THREAD)
    void prometheusScrapesTheApplicationsOwnMetricsWhichAgreeWithTheQueue() throws Exception {
        ServerMetrics.assertAgreeWithTheQueueOfALoneServer(server);
        ServerMetrics metrics = ServerMetrics.scrape(server);
        assertThat(metrics.value("ingest_rows_accepted_total", "transport", "http"))
                .as("the sample's rows, sent over HTTP")
                .isEqualTo(acknowledged);
        assertThat(PrometheusServer.promtool(metrics.text().getBytes(StandardCharsets.UTF_8), "check", "metrics"))
                .as("promtool check metrics")
                .isEmpty();
        try (var prometheus = PrometheusServer.start(PrometheusServer.scrapingTheApplication(server))) {
            var scraped = Poll.until(
                    "Prometheus' scrape of the application",
                    Duration.ofSeconds(60),
                    () -> prometheus
                            .query("sum(ingest_rows_accepted_total{job=\"gpu-telemetry\"})", Instant.now())
                            .data()
                            .result(),
                    result -> !result.isEmpty());
            assertThat(Double.parseDouble((String) scraped.get(0).value().get(1)))
                    .as("the rows Prometheus scraped")
                    .isEqualTo((double) acknowledged);
            assertThat(prometheus
                            .query(
                                    "histogram_quantile(0.99, sum by (le) (ingest_acknowledgement_seconds_bucket))",
                                    Instant.now())
                            .data()
                            .result())
                    .as("a p99 of the acknowledgement latency, from the histogram's buckets")
                    .singleElement()
                    .satisfies(p99 -> assertThat(
                                    Double.parseDouble((String) p99.value().get(1)))
                            .isPositive());
        }
    }

    /**
     * The sample again at its own time (July 2025): late points of an hour long closed, which the server packs into
     * blocks (written and read by this server's JPA provider), and serves from there as it was sent, a few points a
     * page across equal timestamps, and summarised.
     */
    @Test
    @Order(47)
    @Execution(ExecutionMode.SAME_THREAD)
    void aBackfilledHourIsPackedIntoBlocksAndServedAsSent() throws Exception {
        acknowledged += sendSample(server.name + "-backfill", "--backfill").rowsAcked();
        QueueProgress.awaitCollectorsCaughtUp(server);
        // The compaction runs on its interval beside the other lane's tests; on two loaded cores packing the hour has
        // taken over a minute.
        StoredTelemetry stored = Poll.until(
                "the backfilled points packed into blocks",
                Duration.ofMinutes(3),
                Duration.ofMillis(500),
                () -> postgres.storedTelemetry(),
                telemetry -> telemetry.packed() == TelemetryCsv.SAMPLE_ROWS);
        assertThat(stored.doubled()).as("points both a row and in a block").isZero();
        assertStoredExactlyOnceAsAcknowledged();

        String uuid = "GPU-5fd4f087-86f3-7a43-b711-4771313afc50";
        String window = "start_time=2025-07-18T20:00:00Z&end_time=2025-07-18T21:00:00Z";
        List<PipelineSystemTest.Point> served = new ArrayList<>();
        String cursor = null;
        do {
            var page = Http.getJson(
                    server,
                    "/api/v1/gpus/" + uuid + "/telemetry?limit=3&" + window
                            + (cursor == null ? "" : "&cursor=" + cursor),
                    PipelineSystemTest.Series.class);
            served.addAll(page.items());
            cursor = page.nextCursor();
        } while (cursor != null);
        assertThat(served).as("the GPU's ten points, three a page").hasSize(10);
        assertThat(served)
                .extracting(point -> Instant.parse(point.timestamp()))
                .as("in time order")
                .isSorted();
        assertThat(served).allSatisfy(point -> assertThat(point.value())
                .as(point.metric())
                .isEqualTo(TelemetryCsv.sampleValue(uuid, point.metric())));
        assertThat(served).extracting(PipelineSystemTest.Point::metric).doesNotHaveDuplicates();

        var summary = Http.getJson(
                server,
                "/api/v1/gpus/" + uuid + "/telemetry/summary?metric=DCGM_FI_DEV_POWER_USAGE&step=1h&" + window,
                SeriesSummary.class);
        double power = TelemetryCsv.sampleValue(uuid, "DCGM_FI_DEV_POWER_USAGE");
        assertThat(summary.items())
                .as("the hour of the GPU's one power reading")
                .singleElement()
                .satisfies(bucket -> assertThat(List.of(bucket.count(), bucket.min(), bucket.max(), bucket.avg()))
                        .isEqualTo(List.of(1L, power, power, power)));
    }

    public record SummaryBucket(String metric, String start, double min, double max, double avg, long count) {}

    public record SeriesSummary(List<SummaryBucket> items) {}

    /**
     * A second run on the running server gives it admin and read tokens: reads need one now, and the admin token
     * rebalances the collectors while a streamer sends. Nothing is lost or doubled.
     */
    @Test
    @Order(50)
    @Execution(ExecutionMode.SAME_THREAD)
    void aSecondRunAddsAdminAndReadTokensAndTheAdminRebalancesTheCollectorsWhileStreaming() throws Exception {
        server.deploy(laterRun(Map.of("ADMIN_TOKEN", ADMIN_TOKEN, "READ_TOKEN", READ_TOKEN)));
        assertThat(server.readToken()).isEqualTo(READ_TOKEN);
        assertThat(status(get("/api/v1/gpus", null)))
                .as("a read without a token")
                .isEqualTo(401);
        assertThat(status(get("/api/v1/gpus", INGEST_TOKEN)))
                .as("a read with the ingest token")
                .isEqualTo(403);
        assertThat(status(get("/api/v1/gpus", READ_TOKEN)))
                .as("a read with the read token")
                .isEqualTo(200);
        assertThat(status(get("/api/v1/gpus", ADMIN_TOKEN)))
                .as("a read with the admin token")
                .isEqualTo(200);
        assertThat(status(resize(2, READ_TOKEN)))
                .as("scaling with the read token")
                .isEqualTo(403);
        GraphQLChecks.assertReadTokensGuardGraphQL(server, READ_TOKEN, INGEST_TOKEN);

        QueueProgress.awaitCollectorsCaughtUp(server);
        long deliveredBefore = ServerMetrics.scrape(server).value("queue_delivered_total");
        long appendedBefore = appended();
        StreamerProcess.Summary summary;
        try (var streamer = StreamerProcess.loop(server.name + "-rebalance", server, "http", INGEST_TOKEN)) {
            for (int workers : new int[] {6, 1, 10, 4}) {
                QueueProgress.awaitStreamingResumed(server);
                var resized = resize(workers, ADMIN_TOKEN);
                assertThat(resized.statusCode()).as(resized.body()).isEqualTo(200);
                assertThat(QueueProgress.collectors(server).workers()).isEqualTo(workers);
            }
            summary = streamer.stopCleanly();
        }
        acknowledged += summary.rowsAcked();
        assertStoredExactlyOnceAsAcknowledged();
        // A counter only grows: the workers replaced by each resize keep their share in it, so that it counts every
        // record appended meanwhile, each delivered here once. (It starts from 0 with the application: the deployment
        // above restarted it.)
        Poll.until(
                "queue_delivered_total counting every record appended while resizing (delivered, appended)",
                Duration.ofSeconds(30),
                () -> List.of(
                        ServerMetrics.scrape(server).value("queue_delivered_total") - deliveredBefore,
                        appended() - appendedBefore),
                figures -> figures.get(0).equals(figures.get(1)));
    }

    /** Records appended to the telemetry topic since the database was created. */
    private long appended() throws Exception {
        return QueueProgress.telemetryPartitions(server).stream()
                .mapToLong(QueueProgress.TopicPartition::headOffset)
                .sum();
    }

    @Test
    @Order(60)
    @Execution(ExecutionMode.SAME_THREAD)
    void aKilledServerRestartedByTheDeployScriptLosesNoAcknowledgedRowOverEitherTransport() throws Exception {
        long seed = System.nanoTime();
        long killAfterMillis = new java.util.Random(seed).nextLong(3_000, 6_000);
        System.out.printf("%s: killed %d ms into streaming (seed %d)%n", server.name, killAfterMillis, seed);
        StreamerProcess.Summary overHttp;
        StreamerProcess.Summary overWebSocket;
        try (var http = StreamerProcess.loop(server.name + "-crash-http", server, "http", INGEST_TOKEN);
                var webSocket =
                        StreamerProcess.loop(server.name + "-crash-websocket", server, "websocket", INGEST_TOKEN)) {
            Thread.sleep(killAfterMillis);
            server.kill();
            // The deploy script, run again as the last time, starts the server; the EAR and settings unchanged, it
            // lets the deployed application come up rather than deploying it again.
            Duration took = server.redeploy();
            System.out.printf("%s: restarted after SIGKILL in %.1f s%n", server.name, seconds(took));
            assertThat(server.scriptSteps().lines().reduce((first, second) -> second))
                    .as("the deploy script's last step")
                    .hasValueSatisfying(step -> assertThat(step).endsWith("nothing to change"));
            QueueProgress.awaitStreamingResumed(server);
            assertThat(QueueProgress.collectors(server).workers())
                    .as("the workers the server was configured with, not those of the rebalance before the kill")
                    .isEqualTo(WORKERS);
            overHttp = http.stopCleanly();
            overWebSocket = webSocket.stopCleanly();
        }
        assertThat(overHttp.retries()).as("the HTTP streamer noticed the kill").isPositive();
        assertThat(overWebSocket.retries())
                .as("the WebSocket streamer noticed the kill")
                .isPositive();
        acknowledged += overHttp.rowsAcked() + overWebSocket.rowsAcked();
        assertStoredExactlyOnceAsAcknowledged();
    }

    /**
     * A third run clears the tokens and the workers, and lets the queue's retention delete what was processed: each
     * setting falls back to its default, the admin endpoints close again. Were the server reading its settings from
     * the environment it was started with, it would still see the earlier runs' values.
     */
    @Test
    @Order(70)
    @Execution(ExecutionMode.SAME_THREAD)
    void aThirdRunClearsSettingsAndEachFallsBackToItsDefault() throws Exception {
        server.deploy(laterRun(
                Map.of("ADMIN_TOKEN", "", "READ_TOKEN", "", "COLLECTOR_WORKERS", "", "QUEUE_RETENTION_MINUTES", "0")));
        assertThat(server.readToken()).isNull();
        assertThat(QueueProgress.collectors(server).workers())
                .as("COLLECTOR_WORKERS from microprofile-config.properties")
                .isEqualTo(DEFAULT_WORKERS);
        assertAdminClosed();
        assertThat(status(get("/api/v1/gpus", null))).as("reads open again").isEqualTo(200);
        // Retention (0 minutes, checked every second) deletes what every group has processed.
        Poll.until(
                "the processed records deleted from the log (records held)",
                Duration.ofMinutes(1),
                () -> QueueProgress.telemetryPartitions(server).stream()
                        .mapToLong(QueueProgress.TopicPartition::records)
                        .sum(),
                records -> records == 0);
    }

    /** The sample, sent flat out by a streamer with the ingest token; every row of it acknowledged. */
    private StreamerProcess.Summary sendSample(String name, String... options) throws Exception {
        List<String> arguments = new ArrayList<>(List.of(options));
        arguments.addAll(List.of(
                "--url", server.baseUrl(), "--token", INGEST_TOKEN, "--interval", "0ms", "--batch-size", "1000"));
        var run = StreamerProcess.run(name, arguments.toArray(String[]::new));
        assertThat(run.exitCode())
                .as("streamer exit; stderr:%n%s", run.stderr())
                .isZero();
        assertThat(run.summary().rowsAcked()).isEqualTo(TelemetryCsv.SAMPLE_ROWS);
        return run.summary();
    }

    private void assertAdminClosed() throws Exception {
        var closed = resize(2, ADMIN_TOKEN);
        assertThat(closed.statusCode()).as(closed.body()).isEqualTo(403);
        assertThat(closed.body()).contains("the admin endpoints are closed: the server has no ADMIN_TOKEN");
    }

    /**
     * Every row acknowledged so far is in the queue's log and stored once, with the value it was sent with: (GPU,
     * metric, time, value) row by row.
     */
    private void assertStoredExactlyOnceAsAcknowledged() throws Exception {
        QueueProgress.awaitCollectorsCaughtUp(server);
        LogAudit audit = postgres.logAudit();
        assertThat(audit.differences()).as("log against stored rows").isEmpty();
        assertThat(audit.loggedRows())
                .as("rows in the queue's log vs acknowledged")
                .isEqualTo(acknowledged);
        assertThat(audit.storedRows()).as("rows stored vs acknowledged").isEqualTo(acknowledged);
        assertThat(postgres.storedTelemetry().gpus()).isEqualTo(TelemetryCsv.SAMPLE_GPUS);
    }

    private HttpResponse<String> ingest(String token) throws Exception {
        var request = HttpRequest.newBuilder(server.uri("/api/v1/ingest"))
                .POST(HttpRequest.BodyPublishers.ofString(
                        String.join("\n", TelemetryCsv.sampleLines().subList(0, 2))))
                .header("Content-Type", "text/csv")
                .header("Producer-Id", "system-test-probe")
                .header("Producer-Sequence", "0");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return Http.send(request.build());
    }

    private HttpResponse<String> resize(int workers, String token) throws Exception {
        return Http.send(HttpRequest.newBuilder(server.uri("/api/v1/queue/groups/collectors/workers"))
                .PUT(HttpRequest.BodyPublishers.ofString("{\"workers\":" + workers + "}"))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .build());
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        var request = HttpRequest.newBuilder(server.uri(path));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return Http.send(request.build());
    }

    private static int status(HttpResponse<String> response) {
        return response.statusCode();
    }

    private Health health(String path) throws Exception {
        // A server that is down answers 503 with the same JSON: read it either way.
        var response = Http.send(HttpRequest.newBuilder(server.health(path)).build());
        return Http.fromJson(response.body(), Health.class);
    }

    static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
