package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A server as an operator hardens it, on H2: tokens for every role, two of each for rotation. Who may do what, and
 * what those without a credential get.
 */
public class HardeningSystemIT {

    private static final String INGEST = "ingest-token-1,ingest-token-2";
    private static final String ADMIN = "admin-token-1, admin-token-2";
    private static final String READ = "read-token-1,read-token-2";
    private static final int MAX_SUBSCRIBERS = 3;
    private static final String GPU = "GPU-5fd4f087-86f3-7a43-b711-4771313afc50";
    private static final HttpClient HTTP = Http.CLIENT;

    @RegisterExtension
    static final Closing CLOSING = new Closing();

    private static PackagedServer server;
    /** Started beside the other with a retention that means nothing: it must refuse to start. */
    private static PackagedServer misconfigured;

    @BeforeAll
    static void start() throws Exception {
        misconfigured = CLOSING.add(PackagedServer.launch(
                Map.of(
                        "TELEMETRY_DB_URL",
                        PackagedServer.h2Url(Files.createTempDirectory("telemetry-misconfigured-test")),
                        "TELEMETRY_RETENTION",
                        "30x"),
                "misconfigured"));
        Path scratch = Files.createTempDirectory("telemetry-hardening-test");
        server = CLOSING.add(PackagedServer.start(
                Map.ofEntries(
                        Map.entry("TELEMETRY_DB_URL", PackagedServer.h2Url(scratch)),
                        Map.entry("INGEST_TOKEN", INGEST),
                        Map.entry("ADMIN_TOKEN", ADMIN),
                        Map.entry("READ_TOKEN", READ),
                        // Points of the sample as scraped (2025) are long past this; those streamed now are not.
                        Map.entry("TELEMETRY_RETENTION", "10m"),
                        Map.entry("TELEMETRY_RETENTION_CHECK_SECONDS", "1"),
                        // Retention keeps a late point until its hour is rolled up again: every second, not 30 s.
                        Map.entry("ROLLUP_INTERVAL_SECONDS", "1"),
                        // The queue's log keeps nothing once processed: a stream resumed later finds a gap.
                        Map.entry("QUEUE_RETENTION_MINUTES", "0"),
                        Map.entry("QUEUE_RETENTION_CHECK_SECONDS", "1"),
                        Map.entry("LIVE_MAX_SUBSCRIBERS", Integer.toString(MAX_SUBSCRIBERS)),
                        // Closed streams free their place within two comments: the tests open many one after another.
                        Map.entry("LIVE_KEEP_ALIVE_SECONDS", "1")),
                "hardening"));
        var sample = StreamerProcess.run(
                "hardening", "--url", server.baseUrl(), "--token", "ingest-token-2", "--interval", "0ms");
        assertThat(sample.exitCode()).as("stderr:%n%s", sample.stderr()).isZero();
    }

    @AfterAll
    static void printTheCorpusAnswers() {
        CORPUS_ANSWERS.forEach(System.out::println);
    }

    /** A setting that means nothing stops the application's start, and the log says which and why. */
    @Test
    void aMalformedRetentionStopsTheStartNamingTheSetting() throws Exception {
        Poll.until(
                "the misconfigured server's log",
                Duration.ofMinutes(2),
                Duration.ofMillis(500),
                misconfigured::log,
                log -> log.contains(
                        "TELEMETRY_RETENTION must be a number and a unit (s, m, h, d), e.g. 30d, not '30x'"));
        var api = Poll.until(
                "the misconfigured server answering HTTP",
                Duration.ofMinutes(1),
                Duration.ofMillis(500),
                () -> {
                    try {
                        return Http.get(misconfigured, "/api/v1/gpus");
                    } catch (IOException notListeningYet) {
                        return null;
                    }
                },
                response -> response != null);
        assertThat(api.statusCode()).as("no application to answer").isEqualTo(404);
        var ready = Http.get(misconfigured, "/health/ready");
        assertThat(ready.statusCode()).as("not ready: %s", ready.body()).isNotEqualTo(200);
    }

    private static HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        return sendBytes(method, path, token, body == null ? null : body.getBytes(StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> sendBytes(String method, String path, String token, byte[] body)
            throws Exception {
        var request = HttpRequest.newBuilder(server.uri(path))
                .timeout(Duration.ofSeconds(60))
                .method(
                        method,
                        body == null
                                ? HttpRequest.BodyPublishers.noBody()
                                : HttpRequest.BodyPublishers.ofByteArray(body));
        if (body != null) {
            request.header(
                    "Content-Type",
                    path.contains("ingest")
                            ? "text/csv"
                            : path.startsWith("/prometheus/")
                                    ? "application/x-www-form-urlencoded"
                                    : "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (path.contains("ingest")) {
            request.header("Producer-Id", "hardening-probe")
                    .header("Producer-Sequence", Long.toString(System.nanoTime()));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    private static JsonObject problem(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        try (var reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject();
        }
    }

    private static void assertRefused(HttpResponse<String> response, int status, String... secretsNotShown) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonObject problem = problem(response);
        assertThat(problem.getInt("status")).isEqualTo(status);
        assertThat(problem.getString("parameter")).isEqualTo("Authorization");
        for (String secret : secretsNotShown) {
            assertThat(response.body()).doesNotContain(secret);
        }
        if (status == 401) {
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        }
    }

    @Test
    void probesMetricsAndTheDocumentStayOpen() throws Exception {
        for (String path :
                new String[] {"/health/live", "/health/ready", "/metrics", "/prometheus/metrics", "/openapi", "/"}) {
            assertThat(send("GET", path, null, null).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void readingNeedsAReadOrAdminToken() throws Exception {
        assertRefused(send("GET", "/api/v1/gpus", null, null), 401);
        assertRefused(send("GET", "/api/v1/gpus", "guess", null), 401, "guess");
        assertRefused(send("GET", "/api/v1/gpus", "ingest-token-1", null), 403, "ingest-token-1");
        for (String token : new String[] {"read-token-1", "read-token-2", "admin-token-1", "admin-token-2"}) {
            assertThat(send("GET", "/api/v1/gpus?limit=1", token, null).statusCode())
                    .as(token)
                    .isEqualTo(200);
        }
        assertRefused(send("GET", "/api/v1/queue/groups", null, null), 401);
        assertThat(send("GET", "/api/v1/queue/groups", "read-token-1", null).statusCode())
                .isEqualTo(200);
    }

    /**
     * Prometheus' query API reads, also by POST (as Grafana sends long queries); its remote write is ingest. A hostile
     * query gets Prometheus' own error, bounded.
     */
    @Test
    void prometheusQueriesNeedAReadTokenAlsoByPostAndRemoteWriteAnIngestToken() throws Exception {
        assertRefused(send("GET", "/prometheus/api/v1/labels", null, null), 401);
        assertThat(send("GET", "/prometheus/api/v1/labels", "read-token-1", null)
                        .statusCode())
                .isEqualTo(200);
        var post = send("POST", "/prometheus/api/v1/query", "read-token-2", "query=1%2B1");
        assertThat(post.statusCode()).as(post.body()).isEqualTo(200);
        assertThat(post.body()).contains("\"resultType\":\"scalar\"").contains("\"2\"");
        assertRefused(send("POST", "/prometheus/api/v1/query", "ingest-token-1", "query=1"), 403, "ingest-token-1");
        assertRefused(
                sendBytes("POST", "/prometheus/api/v1/write", "read-token-1", new byte[] {0}), 403, "read-token-1");

        var deep = send(
                "GET",
                "/prometheus/api/v1/query?query=" + "(".repeat(500) + "1" + ")".repeat(500),
                "read-token-1",
                null);
        assertThat(deep.statusCode()).as(deep.body()).isEqualTo(400);
        assertThat(deep.body()).contains("\"errorType\":\"bad_data\"", "nested more than 64 levels deep");
        var fine =
                send("GET", "/prometheus/api/v1/query_range?query=1&start=0&end=100000&step=1", "read-token-1", null);
        assertThat(fine.statusCode()).as(fine.body()).isEqualTo(400);
        assertThat(fine.body()).contains("exceeded maximum resolution of 11,000 points per timeseries");
        var unsupported = send("GET", "/prometheus/api/v1/query?query=irate(x%5B5m%5D)", "read-token-1", null);
        assertThat(unsupported.statusCode()).isEqualTo(400);
        assertThat(unsupported.body()).contains("not supported: the function irate");
    }

    @Test
    void theLiveStreamsTakeTheReadTokenAlsoAsAQueryParameterForBrowsers() throws Exception {
        assertRefused(send("GET", "/api/v1/telemetry/stream", null, null), 401);
        try (var stream =
                SseSubscription.open(server.uri("/api/v1/telemetry/stream?access_token=read-token-2"), null)) {
            assertThat(stream).isNotNull();
        }
        // Only on the streams: elsewhere a token belongs in the header, not in URLs that end up in logs.
        assertRefused(send("GET", "/api/v1/gpus?access_token=read-token-2", null, null), 401);
    }

    /**
     * The same endpoints spelled as a client might, on purpose or not: none of the spellings lets a token of the wrong
     * role (or none) through.
     */
    @Test
    void otherSpellingsOfAPathNeedTheSameRole() throws Exception {
        String workers = "{\"workers\":3}";
        assertRefused(send("PUT", "/api/v1/queue/groups/collectors/./workers", "read-token-1", workers), 403);
        assertRefused(send("PUT", "/api/v1/queue/groups/collectors/workers/", "read-token-1", workers), 403);
        assertRefused(send("PUT", "/api/v1/queue/groups/x/../collectors/workers", "read-token-1", workers), 403);
        var encodedSlash = send("PUT", "/api/v1/queue/groups/collectors%2Fworkers", "read-token-1", workers);
        assertThat(encodedSlash.statusCode())
                .as("an encoded slash: refused or not found, never done (%s)", encodedSlash.body())
                .isIn(400, 403, 404);
        for (String path :
                new String[] {"/prometheus/metrics/../api/v1/labels", "/prometheus/metrics;x/../api/v1/labels"}) {
            assertThat(send("GET", path, null, null).statusCode())
                    .as("%s: the open metrics path opens no other", path)
                    .isIn(400, 401, 404);
        }
        // A HEAD answer has no body to read the problem from: its status says it.
        assertThat(send("HEAD", "/api/v1/queue/dead-letters/1", "read-token-1", null)
                        .statusCode())
                .isEqualTo(403);
        assertThat(send("HEAD", "/api/v1/gpus", null, null).statusCode()).isEqualTo(401);
        assertThat(send("HEAD", "/api/v1/gpus", "read-token-1", null).statusCode())
                .isEqualTo(200);
        assertRefused(send("OPTIONS", "/api/v1/gpus", null, null), 401);
        assertRefused(send("OPTIONS", "/api/v1/queue/dead-letters/1", "read-token-1", null), 403);
        assertRefused(send("GET", "/api/v1/gpus/" + GPU + "/telemetry/stream", null, null), 401);
        assertRefused(send("GET", "/api/v1/gpus/" + GPU + "/telemetry/stream", "ingest-token-1", null), 403);
        try (var stream = SseSubscription.open(
                server.uri("/api/v1/gpus/" + GPU + "/telemetry/stream?access_token=read-token-1"), null)) {
            assertThat(stream.nextComment(Duration.ofSeconds(10))).isEqualTo("subscribed");
        }
    }

    /** The ingest WebSocket is ingest's alone: a read or an admin token does not open it. */
    @Test
    void theIngestWebSocketRefusesReadAndAdminTokens() throws Exception {
        URI socket = URI.create(server.uri("/api/v1/ingest/stream?producer-id=hardening-socket")
                .toString()
                .replaceFirst("^http", "ws"));
        for (String token : new String[] {"read-token-1", "admin-token-1"}) {
            var handshake = HTTP.newWebSocketBuilder()
                    .header("Authorization", "Bearer " + token)
                    .buildAsync(socket, new WebSocket.Listener() {});
            assertThatThrownBy(handshake::join)
                    .as(token)
                    .hasCauseInstanceOf(WebSocketHandshakeException.class)
                    .satisfies(failure -> assertThat(((WebSocketHandshakeException) failure.getCause())
                                    .getResponse()
                                    .statusCode())
                            .isEqualTo(403));
        }
        var accepted = HTTP.newWebSocketBuilder()
                .header("Authorization", "Bearer ingest-token-2")
                .buildAsync(socket, new WebSocket.Listener() {})
                .join();
        accepted.sendClose(WebSocket.NORMAL_CLOSURE, "done").join();
    }

    /**
     * A client resuming after the queue's retention deleted records it had not been sent is told so by a {@code gap}
     * event before anything else (the points are stored all the same: the GPU API has them), then gets new points.
     */
    @Test
    void aStreamResumedOlderThanTheQueuesRetentionIsToldOfTheGap() throws Exception {
        String stream = "/api/v1/gpus/" + GPU + "/telemetry/stream?access_token=read-token-1";
        String lastId;
        try (var first = SseSubscription.open(server.uri(stream), null)) {
            assertThat(ingestSample().statusCode()).isEqualTo(200);
            lastId = first.next("point", 10, Duration.ofSeconds(30)).get(9).id();
        }
        assertThat(ingestSample().statusCode()).isEqualTo(200); // while the client is away
        QueueProgress.awaitCollectorsCaughtUp(readingServer());
        Poll.until(
                "the processed records deleted from the queue's log (records held)",
                Duration.ofSeconds(30),
                () -> QueueProgress.telemetryPartitions(readingServer()).stream()
                        .mapToLong(QueueProgress.TopicPartition::records)
                        .sum(),
                records -> records == 0);
        try (var resumed = SseSubscription.open(server.uri(stream), lastId)) {
            var gap = resumed.next("gap", 1, Duration.ofSeconds(30)).get(0);
            JsonObject missed = json(gap.data());
            assertThat(missed.getInt("partition")).isEqualTo(Integer.parseInt(lastId.split("-")[0]));
            assertThat(missed.getJsonNumber("from").longValue()).isEqualTo(Long.parseLong(lastId.split("-")[1]));
            assertThat(missed.getJsonNumber("to").longValue())
                    .isGreaterThan(missed.getJsonNumber("from").longValue());
            assertThat(resumed.rest(readingServer()))
                    .as("nothing replayed: the log holds nothing")
                    .isEmpty();
            assertThat(ingestSample().statusCode()).isEqualTo(200);
            assertThat(resumed.next("point", 10, Duration.ofSeconds(30))).hasSize(10);
        }
    }

    /**
     * A server serves as many subscribers as it is configured to; one more gets 503 with when to come back. Streams
     * other tests closed may count until the server notices they are gone (at its next write to them): the check is
     * repeated until they have.
     */
    @Test
    void beyondTheMaximumOfSubscribersANewOneGets503WithRetryAfter() throws Exception {
        String stream = "/api/v1/telemetry/stream?access_token=read-token-1";
        Poll.until(
                "exactly " + MAX_SUBSCRIBERS + " subscribers served, the next refused with 503 + Retry-After",
                Duration.ofSeconds(60),
                Duration.ofSeconds(1),
                () -> {
                    List<InputStream> open = new ArrayList<>();
                    try {
                        while (open.size() <= MAX_SUBSCRIBERS) {
                            var response = HTTP.send(
                                    HttpRequest.newBuilder(server.uri(stream))
                                            .header("Accept", "text/event-stream")
                                            .build(),
                                    HttpResponse.BodyHandlers.ofInputStream());
                            if (response.statusCode() != 200) {
                                return open.size() + " served, then " + response.statusCode() + " Retry-After "
                                        + response.headers()
                                                .firstValue("Retry-After")
                                                .orElse("none") + " "
                                        + new String(response.body().readAllBytes(), StandardCharsets.UTF_8);
                            }
                            open.add(response.body());
                        }
                        return open.size() + " served";
                    } finally {
                        for (InputStream body : open) {
                            body.close();
                        }
                    }
                },
                outcome -> outcome.startsWith(MAX_SUBSCRIBERS + " served, then 503 Retry-After 5 ")
                        && outcome.contains("LIVE_MAX_SUBSCRIBERS"));
        // The tests after this one get their streams once the server has noticed these went.
        Poll.until(
                "a stream served again",
                Duration.ofSeconds(30),
                Duration.ofMillis(500),
                () -> {
                    var response = HTTP.send(
                            HttpRequest.newBuilder(server.uri(stream))
                                    .header("Accept", "text/event-stream")
                                    .build(),
                            HttpResponse.BodyHandlers.ofInputStream());
                    response.body().close();
                    return response.statusCode();
                },
                status -> status == 200);
    }

    /** An idle stream gets a comment now and then (here every second), so that proxies keep it open. */
    @Test
    void anIdleStreamGetsAKeepAliveComment() throws Exception {
        try (var idle = SseSubscription.open(
                server.uri("/api/v1/telemetry/stream?hostname=no-such-host&access_token=read-token-2"), null)) {
            assertThat(idle.nextComment(Duration.ofSeconds(5))).isEqualTo("subscribed");
            assertThat(idle.nextComment(Duration.ofSeconds(5))).isEqualTo("keep-alive");
        }
    }

    private static HttpResponse<String> ingestSample() throws Exception {
        return send(
                "POST",
                "/api/v1/ingest",
                "ingest-token-1",
                TelemetryCsv.sampleBatch(TelemetryCsv.SAMPLE_ROWS, java.time.Instant.now()));
    }

    /** This server as the queue's figures are read from it: with a read token. */
    private static RunningServer readingServer() {
        return new RunningServer() {
            @Override
            public URI uri(String path) {
                return server.uri(path);
            }

            @Override
            public String readToken() {
                return "read-token-1";
            }
        };
    }

    @Test
    void ingestNeedsAnIngestToken() throws Exception {
        String batch = Files.readAllLines(Path.of(Launch.required("sample.csv"))).subList(0, 2).stream()
                        .reduce((a, b) -> a + "\n" + b)
                        .orElseThrow()
                + "\n";
        assertRefused(send("POST", "/api/v1/ingest", null, batch), 401);
        assertRefused(send("POST", "/api/v1/ingest", "read-token-1", batch), 403, "read-token-1");
        assertRefused(send("POST", "/api/v1/ingest", "admin-token-1", batch), 403, "admin-token-1");
        assertThat(send("POST", "/api/v1/ingest", "ingest-token-1", batch).statusCode())
                .isEqualTo(200);
    }

    @Test
    void changingTheQueueAndReadingDeadLettersNeedAnAdminToken() throws Exception {
        String workers = "/api/v1/queue/groups/collectors/workers";
        assertRefused(send("PUT", workers, null, "{\"workers\":3}"), 401);
        assertRefused(send("PUT", workers, "read-token-1", "{\"workers\":3}"), 403);
        assertRefused(send("PUT", workers, "ingest-token-1", "{\"workers\":3}"), 403);
        // Spelled so that only JAX-RS would see the same resource: still admin's.
        assertRefused(
                send("PUT", "/api/v1/queue/groups/collectors//workers;x=1", "read-token-1", "{\"workers\":3}"), 403);
        assertRefused(send("POST", "/api/v1/queue/dead-letters/1/replay", "read-token-1", null), 403);
        assertRefused(send("GET", "/api/v1/queue/dead-letters/1", "read-token-1", null), 403);

        var resized = send("PUT", workers, "admin-token-2", "{\"workers\":3}");
        assertThat(resized.statusCode()).as(resized.body()).isEqualTo(200);
        assertThat(send("GET", "/api/v1/queue/dead-letters/1", "admin-token-1", null)
                        .statusCode())
                .as("no such dead letter")
                .isEqualTo(404);
    }

    @Test
    void whatTheContainerRefusesItselfIsAProblemToo() throws Exception {
        for (String path : new String[] {"/nothing-here", "/api/v1/gpus/%2e%2e%2f%2e%2e%2fetc%2fpasswd"}) {
            var response = send("GET", path, "read-token-1", null);
            assertThat(response.statusCode()).as(path).isEqualTo(404);
            assertThat(problem(response).getInt("status")).isEqualTo(404);
            assertThat(response.body()).doesNotContain("<html", "Exception");
        }
        var wrongMethod = send("DELETE", "/health/ready", null, null);
        assertThat(wrongMethod.statusCode()).isEqualTo(405);
        assertThat(problem(wrongMethod).getInt("status")).isEqualTo(405);
        var notANumber = send("GET", "/api/v1/queue/dead-letters?limit=abc", "read-token-1", null);
        assertThat(notANumber.statusCode()).isEqualTo(400);
        assertThat(problem(notANumber).getString("parameter")).isEqualTo("limit");
    }

    @Test
    void pointsOlderThanTheRetentionAreDeletedAndTheGpuKeepsItsFirstReport() throws Exception {
        String gpu = "GPU-5fd4f087-86f3-7a43-b711-4771313afc50";
        List<String> sample = Files.readAllLines(Path.of(Launch.required("sample.csv")));
        // The sample's first row as the exporter wrote it, time and all: from 2025.
        var old = send("POST", "/api/v1/ingest", "ingest-token-1", sample.get(0) + "\n" + sample.get(1) + "\n");
        assertThat(old.statusCode()).as(old.body()).isEqualTo(200);

        String firstSeen = "\"firstSeen\":\"2025-07-18T20:42:34Z\"";
        Poll.until(
                "the 2025 point stored (the GPU's first report goes back to it)",
                Duration.ofSeconds(30),
                Duration.ofMillis(200),
                () -> send("GET", "/api/v1/gpus/" + gpu, "read-token-1", null).body(),
                body -> body.contains(firstSeen));
        String scraped = "/api/v1/gpus/" + gpu + "/telemetry?end_time=2026-01-01T00:00:00Z";
        Poll.until(
                "the 2025 points deleted by retention",
                Duration.ofSeconds(60),
                Duration.ofMillis(500),
                () -> send("GET", scraped, "read-token-1", null).body(),
                body -> body.contains("\"items\":[]"));
        var recent =
                send("GET", "/api/v1/gpus/" + gpu + "/telemetry?start_time=2026-01-01T00:00:00Z", "read-token-1", null);
        assertThat(recent.body()).as("the points streamed just now stay").contains("DCGM_FI_DEV_GPU_TEMP");
        var detail = send("GET", "/api/v1/gpus/" + gpu, "read-token-1", null);
        assertThat(detail.body()).as("the GPU keeps its first report").contains(firstSeen);
        assertThat(server.log()).contains("telemetry retention: points older than 10m are deleted");
    }

    /** GraphQL is read access: over HTTP by the Authorization header, over the WebSocket by connection_init. */
    @Test
    void graphQLNeedsAReadTokenOverHttpAndOverTheWebSocket() throws Exception {
        GraphQLChecks.assertReadTokensGuardGraphQL(readingServer(), "read-token-2", "ingest-token-1");
    }

    @Test
    void aGraphQLSubscriptionGetsEveryPointAStreamerSendsInOrderWithinTwoSeconds() throws Exception {
        GraphQLChecks.assertTheFleetSubscriptionGetsEveryPointOfAStreamer(readingServer(), "ingest-token-1", () -> {
            var run = StreamerProcess.run("hardening-graphql", "--url", server.baseUrl(), "--token", "ingest-token-1");
            assertThat(run.exitCode()).as("stderr:%n%s", run.stderr()).isZero();
            return run.summary().rowsAcked();
        });
    }

    /** GraphQL's refusals and queries meant to hurt (see GraphQLChecks), and a body that is no JSON. */
    @Test
    void aHostileGraphQLCorpusIsRefusedCleanly() throws Exception {
        CORPUS_ANSWERS.addAll(GraphQLChecks.assertRefusalsAndAHostileCorpus(readingServer(), GraphQLChecks.SAMPLE_GPU));
        var malformed = HTTP.send(
                HttpRequest.newBuilder(server.uri("/graphql"))
                        .header("Authorization", "Bearer read-token-1")
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"query\": "))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        CORPUS_ANSWERS.add("GraphQL malformed JSON -> " + malformed.statusCode() + " " + malformed.body());
        assertThat(malformed.statusCode()).isBetween(200, 499);
        assertThat(malformed.body()).doesNotContain("Exception", "<html");
    }

    /** What the corpus got: each answer checked, all printed for the record when the class is done. */
    private static final List<String> CORPUS_ANSWERS = new ArrayList<>();

    private static void assertAnsweredCleanly(String what, HttpResponse<String> response) {
        String body = response.body().replaceAll("\\s+", " ");
        CORPUS_ANSWERS.add(what + " -> " + response.statusCode() + " "
                + (body.length() > 200 ? body.substring(0, 200) + "..." : body));
        assertThat(response.statusCode()).as(what + ": " + response.body()).isBetween(200, 499);
        if (response.statusCode() >= 400) {
            assertThat(response.headers().firstValue("Content-Type")).as(what).hasValue("application/problem+json");
        }
        assertThat(response.body().length()).as(what + ": a bounded answer").isLessThan(100_000);
        assertThat(response.body()).as(what).doesNotContain("Exception", "<html");
    }

    @Test
    void aHostileIngestCorpusIsRefusedCleanlyAndTheGoodRowsAreStored() throws Exception {
        String header = TelemetryCsv.HEADER;
        String good = "2026-11-22T10:00:00Z,DCGM_FI_DEV_GPU_TEMP,0,nvidia0,GPU-corpus-good,H100,corpus-host,41";
        var random = new Random(42);
        byte[] noise = new byte[4096];
        random.nextBytes(noise);
        Map<String, byte[]> corpus = new LinkedHashMap<>();
        corpus.put("random bytes", noise);
        var invalidUtf8 = new ByteArrayOutputStream();
        invalidUtf8.write((header + "\n" + good + "\n").getBytes(StandardCharsets.UTF_8));
        invalidUtf8.write(good.replace("corpus-host", "bad-host").getBytes(StandardCharsets.UTF_8));
        invalidUtf8.write(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xFF, '\n'});
        corpus.put("invalid UTF-8 after a good row", invalidUtf8.toByteArray());
        corpus.put("a 10 MB single line", utf8("x".repeat(10 * 1024 * 1024)));
        corpus.put("100,000 columns", utf8(header + ",".repeat(100_000) + "\n" + good + "\n"));
        corpus.put("unbalanced quotes", utf8(header + "\n\"" + good + "\n" + good + "\n"));
        corpus.put("a header only", utf8(header + "\n"));
        String now = Instant.now().toString(); // not old enough for the retention this server has
        StringBuilder manyGpus = new StringBuilder(header).append('\n');
        for (int i = 0; i < 50_000; i++) {
            manyGpus.append(now)
                    .append(",DCGM_FI_DEV_GPU_TEMP,0,nvidia0,GPU-many-")
                    .append(i)
                    .append(",H100,many-host,40\n");
        }
        corpus.put("50,000 distinct GPUs in one batch", utf8(manyGpus.toString()));
        corpus.put(
                "1e999, NaN, -0, far past and future times",
                utf8(header + "\n" + good.replace(",41", ",1e999") + "\n" + good.replace(",41", ",NaN") + "\n"
                        + good.replace(",41", ",-0") + "\n" + good.replace("2026-11-22", "0001-01-01") + "\n"
                        + good.replace("2026-11-22", "9999-12-31") + "\n" + good + "\n"));
        for (var entry : corpus.entrySet()) {
            assertAnsweredCleanly(
                    "ingest: " + entry.getKey(),
                    sendBytes("POST", "/api/v1/ingest", "ingest-token-1", entry.getValue()));
        }
        // However many rows are bad, the answer lists the first hundred and counts them all.
        var bad = new StringBuilder(header).append('\n');
        for (int i = 0; i < 5_000; i++) {
            bad.append(good.replace(",41", ",hot")).append('\n');
        }
        var badAnswer = send("POST", "/api/v1/ingest", "ingest-token-1", bad.toString());
        assertAnsweredCleanly("ingest: 5,000 bad rows", badAnswer);
        try (var reader = Json.createReader(new StringReader(badAnswer.body()))) {
            JsonObject receipt = reader.readObject();
            assertThat(receipt.getInt("rejectedCount")).isEqualTo(5_000);
            assertThat(receipt.getJsonArray("rejected")).hasSize(100);
        }
        assertThat(send("GET", "/api/v1/gpus/GPU-corpus-good", "read-token-1", null)
                        .statusCode())
                .as("the good rows among the bad are stored")
                .isEqualTo(200);
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void hostileApiParametersAreRefusedCleanly() throws Exception {
        String[] values = {
            "garbage",
            "x".repeat(5000),
            "%2e%2e%2f%2e%2e%2f",
            "%00",
            "'%20OR%201=1--",
            "1%3BDROP%20TABLE%20gpu",
            "99999999999999999999",
            "-1",
            "-5m",
            "1e999",
            "%F0%9F%94%A5"
        };
        String gpu = "/api/v1/gpus/GPU-5fd4f087-86f3-7a43-b711-4771313afc50";
        String[] templates = {
            "/api/v1/gpus?limit=%s",
            "/api/v1/gpus?cursor=%s",
            "/api/v1/gpus?hostname=%s",
            gpu + "/telemetry?start_time=%s",
            gpu + "/telemetry?metric=%s",
            gpu + "/telemetry?order=%s",
            gpu + "/telemetry/summary?metric=DCGM_FI_DEV_GPU_TEMP&step=%s",
            "/api/v1/gpus/%s",
            "/api/v1/hosts/%s/gpus",
            "/api/v1/hosts?cursor=%s",
            "/api/v1/telemetry/latest?limit=%s",
            "/api/v1/queue/dead-letters?limit=%s",
            "/api/v1/queue/dead-letters/%s"
        };
        for (String template : templates) {
            for (String value : values) {
                String path = String.format(template, value);
                HttpResponse<String> response;
                response = send("GET", path, "admin-token-1", null);
                boolean nulInPath = value.equals("%00") && path.indexOf(value) < (path + "?").indexOf('?');
                if (nulInPath && response.statusCode() == 400 && response.body().isEmpty()) {
                    // The HTTP layer's own "400 Invalid URI": before any application code, and no error page applies.
                    CORPUS_ANSWERS.add(path + " -> 400 from the HTTP layer");
                    continue;
                }
                assertAnsweredCleanly(path.length() > 120 ? path.substring(0, 120) + "..." : path, response);
            }
        }
        assertThat(send("GET", "/health/live", null, null).statusCode()).isEqualTo(200);
    }

    @Test
    void theServerSaysAtStartUpWhatIsOpenAndWhatIsClosed() throws Exception {
        assertThat(server.log())
                .contains("access: ingest needs one of the 2 tokens of INGEST_TOKEN; read needs one of the 2 tokens of "
                        + "READ_TOKEN; admin")
                .doesNotContain("admin-token-1", "read-token-1", "ingest-token-1");
    }
}
