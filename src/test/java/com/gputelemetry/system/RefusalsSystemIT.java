package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Every way the ingest boundary refuses a batch, over the wire as a producer meets it, on both transports: a missing
 * producer id (400), a body over the limit (413), a full queue (429 with Retry-After) and a database that went away
 * (503 with Retry-After, readiness down), and what comes back when the database does. The server runs on PostgreSQL
 * with a backpressure bound of one record and a 200,000-byte batch limit, so that each refusal can be provoked.
 *
 * <p>In this order, the database's outage last: it stops and restarts the database the others use, and what comes
 * back after it is the test's own check.
 */
// Public, with public records: JSON-B reads the replies into them reflectively.
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
public class RefusalsSystemIT {

    private static final int MAX_BATCH_BYTES = 200_000;
    private static final long UNAVAILABLE_RETRY_AFTER_SECONDS = 5;
    /** The WebSocket close code for a message too big to process (RFC 6455). */
    private static final int MESSAGE_TOO_BIG = 1009;

    private static final HttpClient HTTP = Http.CLIENT;
    private static final Jsonb JSON = JsonbBuilder.create();
    private static final AtomicLong SEQUENCE = new AtomicLong();

    private static TestPostgres postgres;
    private static PackagedServer server;
    private static List<String> sample;

    public record Problem(String title, int status, String detail, String parameter) {}

    public record Check(String name, String status, Map<String, Object> data) {}

    public record Health(String status, List<Check> checks) {}

    @RegisterExtension
    static final Closing CLOSING = new Closing();

    @BeforeAll
    static void start() throws Exception {
        sample = Files.readAllLines(Path.of(Launch.required("sample.csv")));
        postgres = CLOSING.add(TestPostgres.start());
        Map<String, String> environment = new HashMap<>(postgres.serverEnvironment());
        environment.put("QUEUE_MAX_LAG", "1");
        environment.put("INGEST_MAX_BATCH_BYTES", Integer.toString(MAX_BATCH_BYTES));
        server = CLOSING.add(PackagedServer.start(environment, "refusals"));
    }

    @Test
    @Order(1)
    void aBatchWithoutProducerIdIsABadRequestNamingIt() throws Exception {
        var response = HTTP.send(
                HttpRequest.newBuilder(server.uri("/api/v1/ingest"))
                        .header("Content-Type", "text/csv")
                        .header("Producer-Sequence", "1")
                        .POST(HttpRequest.BodyPublishers.ofString(rows(10)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertProblem(response, 400);
        assertThat(JSON.fromJson(response.body(), Problem.class).parameter()).isEqualTo("Producer-Id");

        // The ids the queue keeps for one-off batches (Prometheus' remote write) are no producer's to take.
        var reserved = HTTP.send(
                HttpRequest.newBuilder(server.uri("/api/v1/ingest"))
                        .header("Content-Type", "text/csv")
                        .header("Producer-Id", "once:0123")
                        .header("Producer-Sequence", "0")
                        .POST(HttpRequest.BodyPublishers.ofString(rows(10)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertProblem(reserved, 400);
        assertThat(JSON.fromJson(reserved.body(), Problem.class).detail()).contains("not starting with 'once:'");

        var unknownSource = HTTP.send(
                HttpRequest.newBuilder(server.uri("/api/v1/ingest"))
                        .header("Content-Type", "text/csv")
                        .header("Producer-Id", "refusals-source")
                        .header("Producer-Sequence", "0")
                        .header("Producer-Source", "carrier-pigeon")
                        .POST(HttpRequest.BodyPublishers.ofString(rows(10)))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertProblem(unknownSource, 400);
        assertThat(JSON.fromJson(unknownSource.body(), Problem.class).parameter())
                .isEqualTo("Producer-Source");

        try (var socket = IngestSocketClient.open(server, null)) {
            IngestSocketClient.Reply reply = socket.send("1\n" + rows(10));
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.parameter()).isEqualTo("producer-id");
            assertThat(reply.sequence()).isEqualTo("1");
        }
    }

    @Test
    @Order(2)
    void aBatchOverTheLimitIsRefusedOnBothTransports() throws Exception {
        String tooLarge = rows(sample.size() - 1);
        assertThat(tooLarge.length()).isGreaterThan(MAX_BATCH_BYTES);

        HttpResponse<String> response = post(producer(), tooLarge);
        assertProblem(response, 413);
        assertThat(JSON.fromJson(response.body(), Problem.class).parameter()).isEqualTo("body");

        // A WebSocket message is read whole or not at all: the server closes with 1009, "message too big".
        try (var socket = IngestSocketClient.open(server, producer())) {
            assertThat(socket.sendOverLimit("1\n" + tooLarge, MAX_BATCH_BYTES)).isEqualTo(MESSAGE_TOO_BIG);
        }
    }

    @Test
    @Order(3)
    void aFullQueueAnswers429WithRetryAfterOnBothTransports() throws Exception {
        // Four producers at once against a bound of one record: some partition soon lags by more.
        HttpResponse<String> refused = concurrently(producer -> {
            for (long sequence = 0; ; sequence++) {
                HttpResponse<String> response = post(producer, sequence, rows(200));
                if (response.statusCode() != 200) {
                    return response;
                }
            }
        });
        assertProblem(refused, 429);
        long retryAfter =
                Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow());
        assertThat(retryAfter).isBetween(1L, 60L);
        assertThat(JSON.fromJson(refused.body(), Problem.class).detail()).contains("group collectors");

        IngestSocketClient.Reply reply = concurrently(producer -> {
            try (var socket = IngestSocketClient.open(server, producer)) {
                for (long sequence = 0; ; sequence++) {
                    IngestSocketClient.Reply answer = socket.send(sequence + "\n" + rows(200));
                    if (answer.status() != 200) {
                        return answer;
                    }
                }
            }
        });
        assertThat(reply.status()).isEqualTo(429);
        assertThat(reply.retryAfter()).isBetween(1L, 60L);
    }

    @Test
    @Order(4)
    void withoutItsDatabaseTheServerAnswers503AndIsNotReadyAndRecoversWhenItIsBack() throws Exception {
        postgres.kill();
        try {
            String producer = producer();
            HttpResponse<String> response = Poll.until(
                    "ingest answering 503 without the database (status)",
                    Duration.ofSeconds(30),
                    () -> post(producer, rows(10)),
                    r -> r.statusCode() == 503);
            assertProblem(response, 503);
            assertThat(response.headers().firstValue("Retry-After"))
                    .hasValue(Long.toString(UNAVAILABLE_RETRY_AFTER_SECONDS));
            try (var socket = IngestSocketClient.open(server, producer())) {
                IngestSocketClient.Reply reply = socket.send("0\n" + rows(10));
                assertThat(reply.status()).isEqualTo(503);
                assertThat(reply.retryAfter()).isEqualTo(UNAVAILABLE_RETRY_AFTER_SECONDS);
            }

            var ready = HTTP.send(request("/health/ready"), HttpResponse.BodyHandlers.ofString());
            assertThat(ready.statusCode()).isEqualTo(503);
            assertThat(JSON.fromJson(ready.body(), Health.class).checks())
                    .filteredOn(check -> check.name().equals("database"))
                    .singleElement()
                    .satisfies(check -> {
                        assertThat(check.status()).isEqualTo("DOWN");
                        assertThat((String) check.data().get("reason")).startsWith("cannot connect");
                    });

            // A read too is told to come back later, never shown a stack trace.
            for (String path : new String[] {"/api/v1/gpus", "/api/v1/hosts", "/api/v1/queue/groups"}) {
                var read = HTTP.send(request(path), HttpResponse.BodyHandlers.ofString());
                assertProblem(read, 503);
                assertThat(read.headers().firstValue("Retry-After")).as(path).hasValue("5");
                assertThat(read.body()).doesNotContain("Exception", "SQL");
            }
        } finally {
            postgres.restart();
        }

        String producer = producer();
        Poll.until(
                "ingest back after the database restarted (status)",
                Duration.ofMinutes(1),
                Duration.ofMillis(500),
                () -> post(producer, rows(10)).statusCode(),
                status -> status == 200);
        Poll.until(
                "ready again (status)",
                Duration.ofMinutes(1),
                () -> HTTP.send(request("/health/ready"), HttpResponse.BodyHandlers.discarding())
                        .statusCode(),
                status -> status == 200);
    }

    private static void assertProblem(HttpResponse<String> response, int status) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("application/problem+json"));
        assertThat(JSON.fromJson(response.body(), Problem.class).status()).isEqualTo(status);
    }

    /** The sample's header and its first {@code count} rows, as a streamer would send them. */
    private static String rows(int count) {
        return String.join("\n", sample.subList(0, count + 1)) + "\n";
    }

    private static String producer() {
        return "refusals-" + UUID.randomUUID();
    }

    private static HttpResponse<String> post(String producer, String csv) throws Exception {
        return post(producer, SEQUENCE.incrementAndGet(), csv);
    }

    private static HttpResponse<String> post(String producer, long sequence, String csv) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(server.uri("/api/v1/ingest"))
                        .header("Content-Type", "text/csv")
                        .header("Producer-Id", producer)
                        .header("Producer-Sequence", Long.toString(sequence))
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.ofString(csv))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest request(String path) {
        return HttpRequest.newBuilder(server.uri(path))
                .timeout(Duration.ofSeconds(30))
                .build();
    }

    interface Producer<T> {
        T run(String producer) throws Exception;
    }

    /** Runs four producers at once; answers the first one's result (the others are stopped). */
    private static <T> T concurrently(Producer<T> producer) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            var done = new CompletableFuture<T>();
            for (int i = 0; i < 4; i++) {
                pool.execute(() -> {
                    try {
                        done.complete(producer.run(producer()));
                    } catch (Exception e) {
                        done.completeExceptionally(e);
                    }
                });
            }
            return done.get(2, TimeUnit.MINUTES);
        } finally {
            pool.shutdownNow();
        }
    }
}
