package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Ten streamers flat out against one server with a 512 MB heap on PostgreSQL, for {@code overload.seconds} (60 s in
 * the test command; {@code -Poverload} runs 5 minutes): the queue pushes back with 429 + Retry-After, the streamers
 * wait and retry, the server neither runs out of memory nor loses or doubles an acknowledged row.
 */
public class OverloadSystemIT {

    private static final int STREAMERS = 10;
    private static final long SECONDS = Long.getLong("overload.seconds", 60);

    @Test
    void tenStreamersFlatOutArePushedBackAndEveryAcknowledgedRowIsStoredOnce() throws Exception {
        try (var postgres = TestPostgres.start()) {
            var environment = new HashMap<>(postgres.serverEnvironment());
            // A low bound, so that ten streamers reach it: backpressure, not memory, must hold them.
            environment.put("QUEUE_MAX_LAG", "5");
            try (var server =
                    PackagedServer.start(Map.copyOf(environment), "overload", List.of("-Xms512m", "-Xmx512m"))) {
                StoredTelemetry before = postgres.storedTelemetry();
                List<StreamerProcess.Running> streamers = new ArrayList<>();
                for (int i = 0; i < STREAMERS; i++) {
                    streamers.add(StreamerProcess.start(
                            "overload-" + i,
                            "--url",
                            server.baseUrl(),
                            "--instance-id",
                            "overload-" + i + "-" + System.nanoTime(),
                            "--transport",
                            i % 2 == 0 ? "http" : "websocket",
                            "--loop",
                            "--interval",
                            "0ms",
                            "--batch-size",
                            "1000",
                            "--duration",
                            SECONDS + "s"));
                }
                long peakRssKb = 0;
                while (streamers.stream().anyMatch(s -> s.process().isAlive())) {
                    peakRssKb = Math.max(peakRssKb, residentKb(server.process()));
                    Thread.sleep(1000);
                }
                long acked = 0;
                long retries = 0;
                for (var streamer : streamers) {
                    var summary = streamer.stopCleanly();
                    acked += summary.rowsAcked();
                    retries += summary.retries();
                }
                QueueProgress.awaitCollectorsCaughtUp(server);
                StoredTelemetry after = postgres.storedTelemetry();
                System.out.printf(
                        "overload: %d streamers for %d s, %,d rows acknowledged, %,d batches retried after 429/503,"
                                + " server peak resident memory %,d MB (-Xmx512m)%n",
                        STREAMERS, SECONDS, acked, retries, peakRssKb / 1024);
                assertThat(retries).as("batches pushed back and retried").isPositive();
                assertThat(after.points() - before.points()).isEqualTo(acked);
                assertThat(after.distinctPoints()).isEqualTo(after.points());
                assertThat(server.process().isAlive()).isTrue();
                assertThat(server.log()).doesNotContain("OutOfMemoryError");
            }
        }
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
