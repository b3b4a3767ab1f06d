package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Black box: the EAR on a real application server, as an operator gets it there. A stock distribution from Maven is
 * unpacked afresh, the operator's deploy script deploys the EAR onto it against an embedded PostgreSQL, and then the
 * pipeline is checked over HTTP: readiness with the application's own checks, the OpenAPI document, the settings the
 * script was given, the sample end to end, a collectors' rebalance while streaming, and a SIGKILL mid-stream after
 * which every acknowledged row is stored exactly once. Each server gets a subclass; the methods run in order, on one
 * deployment, because each server costs a minute to set up.
 */
// Public, with public records: JSON-B reads the replies into them reflectively.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public abstract class ApplicationServerSystemTest {

    private static final int SAMPLE_ROWS = 2_470;
    private static final int SAMPLE_GPUS = 247;
    private static final int WORKERS = 3;
    private static final int DEFAULT_WORKERS = 4;
    private static final int PARTITIONS = 8;
    private static final String ADMIN_TOKEN = "system-test-admin";

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Jsonb JSON = JsonbBuilder.create();

    private static TestPostgres postgres;
    private static ApplicationServer server;

    public record Check(String name, String status, Map<String, Object> data) {}

    public record Health(String status, List<Check> checks) {}

    public record Gpu(String uuid, String hostname) {}

    public record GpuPage(List<Gpu> items, String nextCursor) {}

    /** Deploys the EAR to the server with the operator's script, and says which server and how long it took. */
    static void deploy(ApplicationServer applicationServer) throws Exception {
        postgres = TestPostgres.start();
        server = applicationServer;
        String version = server.version();
        Duration took = server.deploy(environment(Integer.toString(WORKERS)));
        System.out.printf(
                "%s: the EAR deployed by %s and ready in %.1f s%n", version, server.deployScript(), seconds(took));
    }

    /** What the operator gives the deploy script: the database, and settings the application must see. */
    private static Map<String, String> environment(String collectorWorkers) {
        return Map.of(
                "TELEMETRY_DB_URL",
                postgres.jdbcUrl(),
                "TELEMETRY_DB_USER",
                "postgres",
                "TELEMETRY_DB_PASSWORD",
                "postgres",
                "COLLECTOR_WORKERS",
                collectorWorkers,
                "ADMIN_TOKEN",
                ADMIN_TOKEN,
                "QUEUE_PARTITIONS_TELEMETRY",
                Integer.toString(PARTITIONS),
                "QUEUE_RETENTION_MINUTES",
                "0",
                "QUEUE_RETENTION_CHECK_SECONDS",
                "1",
                // A stable name: restarted after a kill, the server takes its partitions back at once.
                "QUEUE_INSTANCE_ID",
                server.name);
    }

    @AfterAll
    static void undeploy() throws Exception {
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            if (postgres != null) {
                postgres.close();
            }
        }
    }

    @Test
    @Order(1)
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
    @Order(2)
    void theOpenApiDocumentListsTheApi() throws Exception {
        var openApi = HTTP.send(request(server.uri("/openapi")), HttpResponse.BodyHandlers.ofString());
        assertThat(openApi.statusCode()).isEqualTo(200);
        assertThat(openApi.body()).contains("/api/v1/gpus", "/api/v1/gpus/{uuid}/telemetry", "/api/v1/ingest");
    }

    /** The script starts the server without them in its environment: they come from the server's configuration. */
    @Test
    @Order(3)
    void theSettingsGivenToTheDeployScriptReachTheApplication() throws Exception {
        assertThat(QueueProgress.collectors(server).workers()).isEqualTo(WORKERS);
        assertThat(QueueProgress.telemetryPartitions(server)).hasSize(PARTITIONS);
    }

    @Test
    @Order(4)
    void theSampleIsStoredOnceListedAndThenRemovedFromTheLog() throws Exception {
        var run = StreamerProcess.run(
                server.name, "--url", server.baseUrl(), "--interval", "0ms", "--batch-size", "1000");
        assertThat(run.exitCode())
                .as("streamer exit; stderr:%n%s", run.stderr())
                .isZero();
        StreamerProcess.Summary summary = run.summary();
        assertThat(summary.rowsAcked()).isEqualTo(SAMPLE_ROWS);

        QueueProgress.awaitCollectorsCaughtUp(server);
        StoredTelemetry stored = postgres.storedTelemetry();
        assertThat(stored.points()).isEqualTo(SAMPLE_ROWS);
        assertThat(stored.distinctPoints()).isEqualTo(SAMPLE_ROWS);
        assertThat(stored.gpus()).isEqualTo(SAMPLE_GPUS);

        GpuPage gpus = get(server.uri("/api/v1/gpus?limit=1000"), GpuPage.class);
        assertThat(gpus.items()).hasSize(SAMPLE_GPUS);
        assertThat(gpus.items()).extracting(Gpu::uuid).doesNotHaveDuplicates();
        assertThat(gpus.nextCursor()).isNull();

        // Retention (0 minutes, checked every second) deletes what every group has processed.
        Poll.until(
                "the processed records deleted from the log (records held)",
                Duration.ofMinutes(1),
                () -> QueueProgress.telemetryPartitions(server).stream()
                        .mapToLong(QueueProgress.TopicPartition::records)
                        .sum(),
                records -> records == 0);
    }

    @Test
    @Order(5)
    void theCollectorsAreRebalancedWhileStreamingAndNothingIsLostOrDoubled() throws Exception {
        StoredTelemetry before = postgres.storedTelemetry();
        StreamerProcess.Summary summary;
        try (var streamer = StreamerProcess.loop(server.name + "-rebalance", server)) {
            for (int workers : new int[] {6, 1, 10, 4}) {
                Thread.sleep(1_500);
                var resized = HTTP.send(
                        HttpRequest.newBuilder(server.uri("/api/v1/queue/groups/collectors/workers"))
                                .PUT(HttpRequest.BodyPublishers.ofString("{\"workers\":" + workers + "}"))
                                .header("Content-Type", "application/json")
                                .header("Authorization", "Bearer " + ADMIN_TOKEN)
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(resized.statusCode()).as(resized.body()).isEqualTo(200);
                assertThat(QueueProgress.collectors(server).workers()).isEqualTo(workers);
            }
            summary = streamer.stopCleanly();
        }

        QueueProgress.awaitCollectorsCaughtUp(server);
        assertStoredExactlyOnce(before, summary);
    }

    @Test
    @Order(6)
    void aKilledServerRestartedByTheDeployScriptLosesNoAcknowledgedRowAndStoresNoneTwice() throws Exception {
        StoredTelemetry before = postgres.storedTelemetry();
        StreamerProcess.Summary summary;
        try (var streamer = StreamerProcess.loop(server.name + "-crash", server)) {
            Thread.sleep(ThreadLocalRandom.current().nextLong(3_000, 6_000));
            server.kill();
            // The deploy script, run again on the same server, starts it and redeploys: a second run is harmless.
            Duration took = server.redeploy();
            System.out.printf("%s: restarted and redeployed after SIGKILL in %.1f s%n", server.name, seconds(took));
            QueueProgress.awaitStreamingResumed(server);
            assertThat(QueueProgress.collectors(server).workers())
                    .as("the workers the server was configured with, not those of the rebalance before the kill")
                    .isEqualTo(WORKERS);
            summary = streamer.stopCleanly();
        }
        assertThat(summary.retries()).as("the streamer noticed the kill").isPositive();

        QueueProgress.awaitCollectorsCaughtUp(server);
        assertStoredExactlyOnce(before, summary);
    }

    /**
     * A second run on the running server clears a setting: the application falls back to its default. Were the server
     * reading its settings from the environment it was started with, it would still see the first run's value.
     */
    @Test
    @Order(7)
    void aSettingClearedByALaterRunFallsBackToTheDefault() throws Exception {
        server.deploy(environment(""));
        assertThat(QueueProgress.collectors(server).workers())
                .as("COLLECTOR_WORKERS from microprofile-config.properties")
                .isEqualTo(DEFAULT_WORKERS);
    }

    private static void assertStoredExactlyOnce(StoredTelemetry before, StreamerProcess.Summary summary)
            throws Exception {
        StoredTelemetry after = postgres.storedTelemetry();
        assertThat(after.points() - before.points())
                .as("points stored vs rows acknowledged")
                .isEqualTo(summary.rowsAcked());
        assertThat(after.distinctPoints()).as("no (gpu, metric, time) twice").isEqualTo(after.points());
        assertThat(after.gpus()).isEqualTo(SAMPLE_GPUS);
    }

    private static Health health(String path) throws Exception {
        // A server that is down answers 503 with the same JSON: read it either way.
        var response = HTTP.send(request(server.health(path)), HttpResponse.BodyHandlers.ofString());
        return JSON.fromJson(response.body(), Health.class);
    }

    private static <T> T get(URI uri, Class<T> type) throws Exception {
        var response = HTTP.send(request(uri), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as("GET %s: %s", uri, response.body()).isEqualTo(200);
        return JSON.fromJson(response.body(), type);
    }

    private static HttpRequest request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build();
    }

    private static double seconds(Duration duration) {
        return duration.toMillis() / 1000.0;
    }
}
