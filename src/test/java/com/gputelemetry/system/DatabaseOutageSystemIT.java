package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * PostgreSQL goes away twice while a streamer sends flat out: once stopped "fast", once "immediate" (as a crash), each
 * time for 20 s. Meanwhile the server is not ready and answers reads and ingest with 503 + Retry-After; when the
 * database is back everything recovers by itself, and in the end every acknowledged row is stored exactly once.
 */
public class DatabaseOutageSystemIT {

    private static final Duration DOWN = Duration.ofSeconds(20);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void theServerRidesOutTwoDatabaseOutagesWithoutLosingOrDoublingARow() throws Exception {
        try (var postgres = TestPostgres.start();
                var server = PackagedServer.start(postgres.serverEnvironment(), "outage")) {
            StoredTelemetry before = postgres.storedTelemetry();
            StreamerProcess.Summary summary;
            try (var streamer = StreamerProcess.loop("outage", server)) {
                Thread.sleep(3_000);
                for (boolean immediate : new boolean[] {false, true}) {
                    long stoppedAt = System.nanoTime();
                    postgres.shutDown(immediate);
                    Poll.until(
                            "readiness down",
                            Duration.ofSeconds(5),
                            () -> status(server, "/health/ready"),
                            status -> status == 503);
                    System.out.printf(
                            "outage (%s): not ready after %d ms%n",
                            immediate ? "immediate" : "fast", millisSince(stoppedAt));
                    var read = send(server, "/api/v1/gpus");
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
                            () -> status(server, "/health/ready"),
                            status -> status == 200);
                    Poll.until(
                            "reads answered again",
                            Duration.ofSeconds(10),
                            Duration.ofMillis(200),
                            () -> status(server, "/api/v1/gpus?limit=1"),
                            status -> status == 200);
                    System.out.printf(
                            "outage (%s): ready and reading %d ms after the database was back%n",
                            immediate ? "immediate" : "fast", millisSince(restartedAt));
                    Thread.sleep(3_000); // streaming again
                }
                summary = streamer.stopCleanly();
            }
            assertThat(summary.retries())
                    .as("batches retried during the outages")
                    .isPositive();
            QueueProgress.awaitCollectorsCaughtUp(server);
            StoredTelemetry after = postgres.storedTelemetry();
            assertThat(after.points() - before.points()).isEqualTo(summary.rowsAcked());
            assertThat(after.distinctPoints()).isEqualTo(after.points());
        }
    }

    private static long millisSince(long nanos) {
        return Duration.ofNanos(System.nanoTime() - nanos).toMillis();
    }

    private static HttpResponse<String> send(PackagedServer server, String path) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(server.uri(path))
                        .timeout(Duration.ofSeconds(10))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int status(PackagedServer server, String path) throws Exception {
        return send(server, path).statusCode();
    }
}
