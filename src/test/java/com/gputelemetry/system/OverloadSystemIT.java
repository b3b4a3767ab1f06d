package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Ten streamers, half over HTTP and half over WebSocket, flat out against one server with a 512 MB heap on PostgreSQL
 * that requires an ingest token, for {@code overload.seconds} (30 s in
 * the test command; {@code -Poverload} runs 5 minutes): the queue pushes back with 429 + Retry-After, the streamers
 * wait as long as told (the server counts the ones that come back early) and retry, the server neither runs out of
 * memory nor loses or doubles an acknowledged row.
 */
public class OverloadSystemIT {

    private static final int STREAMERS = 10;
    private static final long SECONDS = Long.getLong("overload.seconds", 30);
    private static final String TOKEN = "overload-ingest-token";

    @Test
    void tenStreamersFlatOutArePushedBackAndEveryAcknowledgedRowIsStoredOnce() throws Exception {
        try (var postgres = TestPostgres.start()) {
            var environment = new HashMap<>(postgres.serverEnvironment());
            // A low bound, so that ten streamers reach it: backpressure, not memory, must hold them.
            environment.put("QUEUE_MAX_LAG", "5");
            environment.put("INGEST_TOKEN", TOKEN);
            try (var server =
                    PackagedServer.start(Map.copyOf(environment), "overload", List.of("-Xms512m", "-Xmx512m"))) {
                StoredTelemetry before = postgres.storedTelemetry();
                List<StreamerProcess.Running> streamers = new ArrayList<>();
                List<String> instanceIds = new ArrayList<>();
                for (int i = 0; i < STREAMERS; i++) {
                    instanceIds.add(TelemetryCsv.unique("overload-" + i));
                    streamers.add(StreamerProcess.startFullyCompiled(
                            "overload-" + i,
                            "--url",
                            server.baseUrl(),
                            "--token",
                            TOKEN,
                            "--instance-id",
                            instanceIds.get(i),
                            "--transport",
                            i % 2 == 0 ? "http" : "websocket",
                            "--loop",
                            "--interval",
                            "0ms",
                            "--batch-size",
                            "1000",
                            "--duration",
                            SECONDS + "s",
                            // The last batch may be told to wait up to 30 s, twice: the drain must not give up on it.
                            "--drain-timeout",
                            "90s"));
                }
                Impatience impatient = impatientClient(server);
                long peakRssKb = 0;
                while (streamers.stream().anyMatch(s -> s.process().isAlive())) {
                    peakRssKb = Math.max(peakRssKb, residentKb(server.process()));
                    Thread.sleep(1000);
                }
                long acked = 0;
                long retries = 0;
                long retriesAfter429 = 0;
                Map<String, Long> sequences = postgres.producerSequences();
                for (int i = 0; i < STREAMERS; i++) {
                    var summary = streamers.get(i).stopCleanly();
                    acked += summary.rowsAcked();
                    retries += summary.retries();
                    retriesAfter429 += Files.readAllLines(streamers.get(i).err()).stream()
                            .filter(line ->
                                    line.contains("\"event\":\"retrying\"") && line.contains("\"reason\":\"HTTP 429\""))
                            .count();
                    String instance = instanceIds.get(i);
                    // Sequences start at 0 and each acknowledged batch took the next one.
                    assertThat(sequences.entrySet().stream()
                                    .filter(e -> e.getKey().startsWith(instance + "-"))
                                    .map(e -> e.getValue() + 1)
                                    .toList())
                            .as("batches the queue holds of %s", instance)
                            .containsExactly(summary.batches());
                }
                acked += impatient.rowsAcknowledged();
                QueueProgress.awaitCollectorsCaughtUp(server);
                StoredTelemetry after = postgres.storedTelemetry();
                LogAudit audit = postgres.logAudit();
                ServerMetrics metrics = ServerMetrics.scrape(server);
                System.out.printf(
                        "overload: %d streamers for %d s, %,d rows acknowledged, %,d batches refused with 429 and"
                                + " retried after their Retry-After (%,d retries in all), server peak resident memory"
                                + " %,d MB (-Xmx512m)%n",
                        STREAMERS, SECONDS, acked, retriesAfter429, retries, peakRssKb / 1024);
                assertThat(metrics.value("ingest_pushed_back_total"))
                        .as("batches the server refused with 429: each streamer's retried once, and the impatient"
                                + " client's")
                        .isEqualTo(retriesAfter429 + impatient.refused())
                        .isGreaterThan(impatient.refused());
                assertThat(metrics.value("ingest_retried_early_total"))
                        .as("batches sent again before their Retry-After: the impatient client's one, no streamer's")
                        .isEqualTo(1);
                assertThat(audit.differences()).as("log against stored rows").isEmpty();
                assertThat(audit.loggedRows()).as("rows in the queue's log").isEqualTo(acked);
                assertThat(after.points() - before.points()).isEqualTo(acked);
                assertThat(server.process().isAlive()).isTrue();
                assertThat(server.log()).doesNotContain("OutOfMemoryError");
            }
        }
    }

    /** What the client that ignores backpressure did: batches refused, rows acknowledged. */
    private record Impatience(int refused, long rowsAcknowledged) {}

    /**
     * A client that ignores backpressure, while the streamers keep the server busy: it sends small batches of the
     * sample until one is refused with 429, then sends that batch again at once, before its Retry-After, and stops.
     */
    private static Impatience impatientClient(RunningServer server) throws Exception {
        String producer = TelemetryCsv.unique("impatient");
        int refused = 0;
        long acknowledged = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
        for (long sequence = 0; System.nanoTime() < deadline; ) {
            String batch = TelemetryCsv.sampleBatch(50, Instant.now());
            var answer = post(server, producer, sequence, batch);
            if (answer.statusCode() == 429) {
                refused++;
                var again = post(server, producer, sequence, batch);
                if (again.statusCode() == 429) {
                    refused++;
                } else {
                    assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
                    acknowledged += accepted(again);
                }
                return new Impatience(refused, acknowledged);
            }
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            acknowledged += accepted(answer);
            sequence++;
        }
        throw new AssertionError("no batch of the impatient client was refused in " + SECONDS + " s");
    }

    private static HttpResponse<String> post(RunningServer server, String producer, long sequence, String batch)
            throws Exception {
        return Http.ingest(server, producer, sequence, TOKEN, batch.getBytes(StandardCharsets.UTF_8));
    }

    private static long accepted(HttpResponse<String> answer) {
        return ((Number) Http.fromJson(answer.body(), Map.class).get("accepted")).longValue();
    }

    /** The process's resident memory, from /proc (Linux). */
    private static long residentKb(ProcessHandle process) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return 0;
    }
}
