package com.gputelemetry.streamer.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.gputelemetry.streamer.entity.Batch;
import com.gputelemetry.streamer.entity.CsvRow;
import com.gputelemetry.streamer.entity.StreamStats;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Against a small real HTTP server on loopback that answers like an overloaded, then recovered, ingest endpoint. */
class BatchSenderTest {

    private static final Pattern LOGGED_WAIT = Pattern.compile("\"event\":\"retrying\".*\"waitMillis\":\"(\\d+)\"");

    private HttpServer server;
    private final List<String> sequencesSeen = new CopyOnWriteArrayList<>();
    private final List<String> bodiesSeen = new CopyOnWriteArrayList<>();
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final List<Instant> arrivals = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final EventLog log = new EventLog(new PrintStream(logged, true, StandardCharsets.UTF_8), false);

    @AfterEach
    void stop() {
        server.stop(0);
    }

    @Test
    void retriesTheSameBatchUnderTheSameSequenceUntilTheServerTakesIt() throws Exception {
        var calls = new AtomicInteger();
        start(calls, 2);
        var stats = new StreamStats("test");
        var sender = sender(stats, Duration.ofSeconds(30));

        IngestReply reply = sender.send(batch(41), () -> false);

        assertThat(reply.accepted()).isEqualTo(1);
        assertThat(calls).hasValue(3);
        assertThat(sequencesSeen).containsExactly("41", "41", "41");
        assertThat(bodiesSeen).hasSize(3).allMatch(body -> body.equals(bodiesSeen.get(0)));
        assertThat(stats.toJson("summary")).contains("\"retries\":2");
    }

    @Test
    void waitsAsLongAsTheServersRetryAfterSaysBeforeSendingAgain() throws Exception {
        var calls = new AtomicInteger();
        start(calls, 1, 429, "2");

        sender(new StreamStats("test"), Duration.ofSeconds(30)).send(batch(5), () -> false);

        assertThat(calls).hasValue(2);
        long waitedMillis = Duration.between(arrivals.get(0), arrivals.get(1)).toMillis();
        // Without Retry-After the first backoff would be 100-200 ms.
        assertThat(waitedMillis).isBetween(2_000L, 3_000L);
        assertThat(logged.toString(StandardCharsets.UTF_8))
                .contains("\"event\":\"retrying\",\"sequence\":\"5\",\"reason\":\"HTTP 429\","
                        + "\"retryAfterSeconds\":\"2\",\"waitMillis\":\"2000\"");
    }

    @Test
    void a404WhileTheServerIsStillDeployingIsRetriedButA400IsNot() throws Exception {
        var calls = new AtomicInteger();
        start(calls, 1, 404);
        assertThat(sender(new StreamStats("test"), Duration.ofSeconds(30))
                        .send(batch(1), () -> false)
                        .accepted())
                .isEqualTo(1);
        assertThat(calls).hasValue(2);

        server.stop(0);
        var refusedCalls = new AtomicInteger();
        start(refusedCalls, Integer.MAX_VALUE, 400);
        IngestReply refused =
                sender(new StreamStats("test"), Duration.ofSeconds(30)).send(batch(2), () -> false);
        assertThat(refusedCalls).hasValue(1);
        assertThat(refused.accepted()).isZero();
        assertThat(refused.rejectedRows()).isEqualTo(1);
    }

    @Test
    void a408IsRetriedWithTheSameBatchUnderTheSameSequence() throws Exception {
        var calls = new AtomicInteger();
        start(calls, 1, 408);

        IngestReply reply =
                sender(new StreamStats("test"), Duration.ofSeconds(30)).send(batch(7), () -> false);

        assertThat(reply.accepted()).isEqualTo(1);
        assertThat(calls).hasValue(2);
        assertThat(sequencesSeen).containsExactly("7", "7");
        assertThat(bodiesSeen.get(1)).isEqualTo(bodiesSeen.get(0));
    }

    /**
     * Without a Retry-After the n-th wait is drawn between half and all of 200 ms * 2^(n-1), at most 10 s: the 7th and
     * later are at the maximum. The waits are recorded instead of slept (the next test sleeps them), under a retry
     * budget far beyond them all, so that nothing but the backoff bounds them; the log reports each as it was.
     */
    @Test
    void withoutARetryAfterTheWaitsDoubleFrom200MillisecondsWithJitterAndNeverExceed10Seconds() throws Exception {
        start(new AtomicInteger(), 20, 503, null);
        List<Duration> waits = new ArrayList<>();
        var sender = new BatchSender(
                new HttpTransport(uri(), "producer-1", "csv", Optional.empty()),
                new StreamStats("test"),
                log,
                Duration.ofDays(7),
                waits::add);

        assertThat(sender.send(batch(3), () -> false).accepted()).isEqualTo(1);

        assertThat(waits).hasSize(20);
        for (int retry = 0; retry < waits.size(); retry++) {
            long backoff = Math.min(200L << retry, 10_000);
            assertThat(waits.get(retry).toMillis())
                    .as("wait %d of %s", retry + 1, waits)
                    .isBetween(backoff / 2, backoff);
        }
        assertThat(waits.subList(6, 20).stream().distinct().count())
                .as("the waits at the maximum are jittered, not all alike: %s", waits)
                .isGreaterThan(1);
        assertThat(loggedWaits())
                .isEqualTo(waits.stream().map(Duration::toMillis).toList());
    }

    @Test
    void theWaitsWithoutARetryAfterReallyPassBetweenTheAttempts() throws Exception {
        start(new AtomicInteger(), 4, 503, null);

        sender(new StreamStats("test"), Duration.ofSeconds(30)).send(batch(3), () -> false);

        assertThat(arrivals).hasSize(5);
        List<Long> waits = loggedWaits();
        for (int retry = 0; retry < 4; retry++) {
            long backoff = 200L << retry;
            long gapMillis = Duration.between(arrivals.get(retry), arrivals.get(retry + 1))
                    .toMillis();
            assertThat(waits.get(retry)).as("logged wait %d", retry + 1).isBetween(backoff / 2, backoff);
            // Above the wait by what one HTTP exchange on loopback takes on a busy machine at most.
            assertThat(gapMillis)
                    .as(
                            "time between attempts %d and %d, after a logged wait of %d ms",
                            retry + 1, retry + 2, waits.get(retry))
                    .isBetween(waits.get(retry), waits.get(retry) + 1_000);
        }
    }

    /** Recorded instead of slept, as above: a Retry-After beyond the backoff's 10 s is still what the streamer waits. */
    @Test
    void aRetryAfterIsWaitedAsAskedAlsoBeyondTheBackoffsMaximum() throws Exception {
        start(new AtomicInteger(), 3, 429, "30");
        List<Duration> waits = new ArrayList<>();
        var sender = new BatchSender(
                new HttpTransport(uri(), "producer-1", "csv", Optional.empty()),
                new StreamStats("test"),
                log,
                Duration.ofMinutes(5),
                waits::add);

        sender.send(batch(4), () -> false);

        assertThat(waits).containsExactly(Duration.ofSeconds(30), Duration.ofSeconds(30), Duration.ofSeconds(30));
    }

    @Test
    void givesUpWhenTheRetryBudgetIsSpentOrAtShutdown() throws Exception {
        start(new AtomicInteger(), Integer.MAX_VALUE);
        var sender = sender(new StreamStats("test"), Duration.ofMillis(300));

        assertThatThrownBy(() -> sender.send(batch(0), () -> false))
                .isInstanceOf(ServerUnreachableException.class)
                .hasMessageContaining("HTTP 503");
        assertThatThrownBy(() -> sender.send(batch(0), () -> true))
                .isInstanceOf(ServerUnreachableException.class)
                .hasMessageContaining("before shutdown");
    }

    @Test
    void aRefusedTokenEndsTheRunInsteadOfRejectingEveryBatch() throws Exception {
        var calls = new AtomicInteger();
        start(calls, Integer.MAX_VALUE, 401);

        assertThatThrownBy(() ->
                        sender(new StreamStats("test"), Duration.ofSeconds(30)).send(batch(0), () -> false))
                .isInstanceOf(ServerRefusedException.class)
                .hasMessageContaining("--token");
        assertThat(calls).hasValue(1);
        assertThat(authorizations).containsExactly("Bearer s3cret");
    }

    @Test
    void aLostConnectionIsRetriedLikeAnOverload() throws Exception {
        start(new AtomicInteger(), 0);
        int port = server.getAddress().getPort();
        server.stop(0);
        var stats = new StreamStats("test");
        var sender = new BatchSender(
                new HttpTransport(URI.create("http://127.0.0.1:" + port), "producer-1", "csv", Optional.empty()),
                stats,
                log,
                Duration.ofMillis(700));

        assertThatThrownBy(() -> sender.send(batch(0), () -> false))
                .isInstanceOf(ServerUnreachableException.class)
                .hasMessageContaining("ConnectException");
        assertThat(stats.toJson("summary")).doesNotContain("\"retries\":0");
    }

    private BatchSender sender(StreamStats stats, Duration retryBudget) {
        return new BatchSender(
                new HttpTransport(uri(), "producer-1", "csv", Optional.of("s3cret")), stats, log, retryBudget);
    }

    private void start(AtomicInteger calls, int failuresBeforeSuccess) throws IOException {
        start(calls, failuresBeforeSuccess, 503);
    }

    private void start(AtomicInteger calls, int failuresBeforeSuccess, int failureStatus) throws IOException {
        start(calls, failuresBeforeSuccess, failureStatus, "0");
    }

    /** @param retryAfter the failures' Retry-After header; null for none */
    private void start(AtomicInteger calls, int failuresBeforeSuccess, int failureStatus, String retryAfter)
            throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/ingest", exchange -> {
            arrivals.add(Instant.now());
            sequencesSeen.add(exchange.getRequestHeaders().getFirst("Producer-Sequence"));
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            bodiesSeen.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            boolean fail = calls.getAndIncrement() < failuresBeforeSuccess;
            byte[] body = (fail ? "{\"status\":503}" : "{\"accepted\":1,\"duplicate\":false,\"rejected\":[]}")
                    .getBytes(StandardCharsets.UTF_8);
            if (fail && retryAfter != null) {
                exchange.getResponseHeaders().add("Retry-After", retryAfter);
            }
            exchange.sendResponseHeaders(fail ? failureStatus : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    /** The waits the log reported, in milliseconds, in order. */
    private List<Long> loggedWaits() {
        Matcher wait = LOGGED_WAIT.matcher(logged.toString(StandardCharsets.UTF_8));
        List<Long> waits = new ArrayList<>();
        while (wait.find()) {
            waits.add(Long.parseLong(wait.group(1)));
        }
        return waits;
    }

    private URI uri() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private static Batch batch(long sequence) {
        var batch = new Batch(sequence);
        batch.add(
                new CsvRow(
                        2,
                        "2025-07-18T20:42:34Z",
                        "DCGM_FI_DEV_GPU_TEMP",
                        "0",
                        "nvidia0",
                        "GPU-1",
                        "H100",
                        "host",
                        "41",
                        "",
                        "",
                        "",
                        ""),
                Instant.parse("2026-11-22T10:00:00Z"));
        return batch;
    }
}
