package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The database fails the server in the ways databases do, on a real PostgreSQL: it goes away (stopped "fast", then
 * "immediate" as in a crash, each time for 10 s while a streamer sends flat out), it refuses to store some rows (a
 * trigger, as a constraint would), it refuses a query (a table gone). The server answers each the way its clients can
 * act on: 503 + Retry-After while away, redelivery and then a dead letter for what cannot be stored, a 500 with an
 * incident id for what is a bug; nothing acknowledged is lost or stored twice. Each test measures what it changes
 * against what was there before it, so that the order they run in does not matter.
 */
public class DatabaseOutageSystemIT {

    private static final Duration DOWN = Duration.ofSeconds(10);
    private static final String ADMIN_TOKEN = "outage-admin";
    private static final int MAX_ATTEMPTS = 5;
    private static final String WATCHED_GPU = "GPU-5fd4f087-86f3-7a43-b711-4771313afc50";

    @RegisterExtension
    static final Closing CLOSING = new Closing();

    private static TestPostgres postgres;
    private static PackagedServer server;

    @BeforeAll
    static void start() throws Exception {
        postgres = CLOSING.add(TestPostgres.start());
        var environment = new HashMap<>(postgres.serverEnvironment());
        environment.put("ADMIN_TOKEN", ADMIN_TOKEN);
        environment.put("QUEUE_MAX_ATTEMPTS", Integer.toString(MAX_ATTEMPTS));
        server = CLOSING.add(PackagedServer.start(Map.copyOf(environment), "outage"));
    }

    @Test
    void theServerRidesOutTwoDatabaseOutagesWithoutLosingOrDoublingARowAndTheLiveFeedResumes() throws Exception {
        // The watched GPU known to the server, so that its stream can be opened; the points counted come after.
        var sample = Http.ingest(server, TelemetryCsv.sampleBatch(TelemetryCsv.SAMPLE_ROWS, Instant.now()));
        assertThat(sample.statusCode()).as(sample.body()).isEqualTo(200);
        QueueProgress.awaitCollectorsCaughtUp(server);
        StoredTelemetry before = postgres.storedTelemetry();
        Instant from = Instant.now().truncatedTo(ChronoUnit.MICROS);
        StreamerProcess.Summary summary;
        try (var watched = SseSubscription.open(server, "/api/v1/gpus/" + WATCHED_GPU + "/telemetry/stream", null);
                var streamer = StreamerProcess.loop("outage", server)) {
            QueueProgress.awaitStreamingResumed(server);
            for (boolean immediate : new boolean[] {false, true}) {
                String how = immediate ? "immediate" : "fast";
                long stoppedAt = System.nanoTime();
                postgres.shutDown(immediate);
                Poll.until(
                        "readiness down",
                        Duration.ofSeconds(5),
                        () -> Http.get(server, "/health/ready").statusCode(),
                        status -> status == 503);
                System.out.printf("outage (%s): not ready after %d ms%n", how, millisSince(stoppedAt));
                var read = Http.get(server, "/api/v1/gpus");
                assertThat(read.statusCode()).as(read.body()).isEqualTo(503);
                assertThat(read.headers().firstValue("Retry-After")).isPresent();
                assertThat(read.headers().firstValue("Content-Type")).hasValue("application/problem+json");
                Thread.sleep(Math.max(0, DOWN.toMillis() - millisSince(stoppedAt)));

                postgres.restart();
                long restartedAt = System.nanoTime();
                Poll.until(
                        "ready again",
                        Duration.ofSeconds(10),
                        Duration.ofMillis(200),
                        () -> Http.get(server, "/health/ready").statusCode(),
                        status -> status == 200);
                Poll.until(
                        "reads answered again",
                        Duration.ofSeconds(10),
                        Duration.ofMillis(200),
                        () -> Http.get(server, "/api/v1/gpus?limit=1").statusCode(),
                        status -> status == 200);
                System.out.printf(
                        "outage (%s): ready and reading %d ms after the database was back%n",
                        how, millisSince(restartedAt));
                QueueProgress.awaitStreamingResumed(server);
            }
            summary = streamer.stopCleanly();
            assertThat(summary.retries())
                    .as("batches retried during the outages")
                    .isPositive();
            QueueProgress.awaitCollectorsCaughtUp(server);

            // The feed paused while the database was away and went on from where it stood: the watched GPU's points
            // stored since the subscription, all of them, once each, as stored. (A subscriber joins the feed where the
            // feed stands, which may be a round, 250 ms, behind what is stored: the warm-up's points may come too.)
            List<String> stored = points(WATCHED_GPU, from);
            var pushed = new ArrayList<>(watched.next("point", stored.size(), Duration.ofSeconds(30)));
            pushed.addAll(watched.rest(server));
            assertThat(pushed.stream().map(SseSubscription.Event::id).distinct())
                    .as("points pushed once each")
                    .hasSize(pushed.size());
            List<String> pushedPoints = pushed.stream()
                    .map(event -> {
                        JsonObject point = json(event.data());
                        return point.getString("timestamp") + " " + point.getString("metric") + " "
                                + point.getJsonNumber("value").doubleValue();
                    })
                    .toList();
            assertThat(pushedPoints.stream()
                            .filter(point -> !Instant.parse(point.split(" ")[0]).isBefore(from)))
                    .as("pushed as stored since the subscription")
                    .containsExactlyInAnyOrderElementsOf(stored);
            assertThat(points(WATCHED_GPU, Instant.EPOCH))
                    .as("every point pushed was stored")
                    .containsAll(pushedPoints);
        }
        StoredTelemetry after = postgres.storedTelemetry();
        assertThat(after.points() - before.points()).isEqualTo(summary.rowsAcked());
        LogAudit audit = postgres.logAudit();
        assertThat(audit.differences()).as("log against stored rows").isEmpty();
        assertThat(audit.storedRows()).as("stored rows vs the log's").isEqualTo(audit.loggedRows());
    }

    /**
     * A record whose rows the database refuses to store is delivered again with backoff, then put among the dead
     * letters, and its partition goes on; the dead letter is not pushed live. Once the cause is gone, an admin's replay
     * stores it, once. The counters an operator watches count each step.
     */
    @Test
    void aRecordTheDatabaseRefusesIsRedeliveredThenDeadLetteredAndStoredOnceOnReplay() throws Exception {
        postgres.execute(
                """
                CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.gpu_uuid = 'GPU-poison' THEN
                        RAISE EXCEPTION 'the test refuses the series (and so the rows) of GPU-poison';
                    END IF;
                    RETURN NEW;
                END $$""",
                "CREATE TRIGGER refuse_poison BEFORE INSERT ON telemetry_series"
                        + " FOR EACH ROW EXECUTE FUNCTION refuse_poison()");
        ServerMetrics before = ServerMetrics.scrape(server);
        try (var host = SseSubscription.open(server, "/api/v1/telemetry/stream?hostname=poison-host", null)) {
            var poisoned = ingest("GPU-poison", 41);
            assertThat(poisoned.statusCode()).as(poisoned.body()).isEqualTo(200);

            JsonObject letter = Poll.until(
                            "the refused record among the dead letters",
                            Duration.ofSeconds(30),
                            Duration.ofMillis(200),
                            () ->
                                    json(Http.get(server, "/api/v1/queue/dead-letters")
                                                    .body())
                                            .getJsonArray("items")
                                            .stream()
                                            .map(value -> value.asJsonObject())
                                            .filter(dead ->
                                                    dead.getString("lastError").contains("GPU-poison"))
                                            .findFirst(),
                            found -> found.isPresent())
                    .orElseThrow();
            assertThat(letter.getInt("attempts")).isEqualTo(MAX_ATTEMPTS);
            ServerMetrics after = ServerMetrics.scrape(server);
            assertThat(after.value("queue_redeliveries_total") - before.value("queue_redeliveries_total"))
                    .as("deliveries retried before giving up")
                    .isEqualTo(MAX_ATTEMPTS - 1);
            assertThat(after.value("queue_dead_letters") - before.value("queue_dead_letters"))
                    .isEqualTo(1);

            // The partition goes on past the dead letter, and the feed pushes what was stored, not what was refused.
            var good = ingest("GPU-antidote", 42);
            assertThat(good.statusCode()).as(good.body()).isEqualTo(200);
            var pushed = host.next("point", 1, Duration.ofSeconds(30));
            assertThat(json(pushed.get(0).data()).getString("uuid")).isEqualTo("GPU-antidote");
            assertThat(host.rest(server)).noneMatch(event -> event.name().equals("point"));

            postgres.execute("DROP TRIGGER refuse_poison ON telemetry_series", "DROP FUNCTION refuse_poison()");
            var replay = Http.send(HttpRequest.newBuilder(
                            server.uri("/api/v1/queue/dead-letters/" + letter.getJsonNumber("id") + "/replay"))
                    .POST(HttpRequest.BodyPublishers.noBody())
                    .header("Authorization", "Bearer " + ADMIN_TOKEN)
                    .build());
            assertThat(replay.statusCode()).as(replay.body()).isEqualTo(204);
            var stored = Http.getJson(server, "/api/v1/gpus/GPU-poison/telemetry", PipelineSystemTest.Series.class);
            assertThat(stored.items())
                    .extracting(point -> point.metric() + " " + point.value())
                    .containsExactly("DCGM_FI_DEV_GPU_TEMP 41.0");
            assertThat(ServerMetrics.scrape(server).value("queue_dead_letters"))
                    .as("the replayed dead letter is gone")
                    .isEqualTo(before.value("queue_dead_letters"));
        }
    }

    /** A query the database refuses is a bug to report, not an outage to wait out: a 500 that names an incident. */
    @Test
    void aQueryTheDatabaseRefusesIsA500WithAnIncidentIdThatTheLogHasAndTheClientNoMore() throws Exception {
        postgres.execute("ALTER TABLE gpu RENAME TO gpu_away");
        HttpResponse<String> refused;
        try {
            refused = Http.get(server, "/api/v1/gpus");
        } finally {
            postgres.execute("ALTER TABLE gpu_away RENAME TO gpu");
        }
        assertThat(refused.statusCode()).as(refused.body()).isEqualTo(500);
        assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        Matcher incident = Pattern.compile("incident ([0-9a-f-]{36})")
                .matcher(json(refused.body()).getString("detail"));
        assertThat(incident.find()).as(refused.body()).isTrue();
        assertThat(refused.body())
                .as("nothing of the cause reaches the client")
                .doesNotContain("gpu_away", "SQL", "Exception", "\tat ", "org.postgresql");
        assertThat(server.log())
                .as("the incident in the server's log, with its cause")
                .containsPattern("incident " + incident.group(1) + "[\\s\\S]*gpu");
        assertThat(Http.get(server, "/api/v1/gpus").statusCode()).isEqualTo(200);
    }

    /**
     * The same over the ingest boundary, on both transports: a batch the database refuses to append (a table gone) is
     * answered, by a 500 naming the incident, also over the WebSocket, where an exception left unanswered would hold
     * the producer for its whole answer timeout; the producer's retry is stored once the table is back.
     */
    @Test
    void aBatchTheDatabaseRefusesToAppendIsAnswered500OnBothTransportsAndItsRetryStored() throws Exception {
        String producer = TelemetryCsv.unique("refused-append");
        String batch = TelemetryCsv.HEADER + "\n"
                + TelemetryCsv.row(Instant.now().toString(), "DCGM_FI_DEV_GPU_TEMP", "GPU-refused", "refused-host", 43);
        HttpResponse<String> overHttp;
        IngestSocketClient.Reply overWebSocket;
        try (var socket = IngestSocketClient.open(server, producer + "-ws")) {
            postgres.execute("ALTER TABLE queue_producer RENAME TO queue_producer_away");
            try {
                overHttp = Http.ingest(server, producer, 0, null, batch.getBytes(StandardCharsets.UTF_8));
                overWebSocket = socket.send("0\n" + batch);
            } finally {
                postgres.execute("ALTER TABLE queue_producer_away RENAME TO queue_producer");
            }
            assertThat(overHttp.statusCode()).as(overHttp.body()).isEqualTo(500);
            assertThat(overHttp.body()).contains("incident");
            assertThat(overWebSocket.status()).as(overWebSocket.toString()).isEqualTo(500);
            assertThat(overWebSocket.sequence()).isEqualTo("0");
            Matcher incident = Pattern.compile("incident ([0-9a-f-]{36})").matcher(overWebSocket.detail());
            assertThat(incident.find()).as(overWebSocket.toString()).isTrue();
            assertThat(server.log()).contains("incident " + incident.group(1));

            var retried = Http.ingest(server, producer, 0, null, batch.getBytes(StandardCharsets.UTF_8));
            assertThat(retried.statusCode()).as(retried.body()).isEqualTo(200);
            assertThat(socket.send("0\n" + batch).status())
                    .as("the WebSocket producer's retry")
                    .isEqualTo(200);
        }
        QueueProgress.awaitCollectorsCaughtUp(server);
        var stored = Http.getJson(server, "/api/v1/gpus/GPU-refused/telemetry", PipelineSystemTest.Series.class);
        assertThat(stored.items())
                .as("each producer's retried batch, once")
                .extracting(point -> point.metric() + " " + point.value())
                .containsExactly("DCGM_FI_DEV_GPU_TEMP 43.0", "DCGM_FI_DEV_GPU_TEMP 43.0");
    }

    /** The points of one GPU stored from {@code from} on, as the API lists them: time, metric, value. */
    private static List<String> points(String uuid, Instant from) throws Exception {
        var series = Http.getJson(
                server,
                "/api/v1/gpus/" + uuid + "/telemetry?limit=10000&start_time=" + from,
                PipelineSystemTest.Series.class);
        assertThat(series.nextCursor()).as("one page").isNull();
        return series.items().stream()
                .map(point -> point.timestamp() + " " + point.metric() + " " + point.value())
                .toList();
    }

    private static HttpResponse<String> ingest(String uuid, double value) throws Exception {
        return Http.ingest(
                server,
                TelemetryCsv.HEADER + "\n"
                        + TelemetryCsv.row(
                                Instant.now().toString(), "DCGM_FI_DEV_GPU_TEMP", uuid, "poison-host", value));
    }

    private static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private static long millisSince(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
    }
}
