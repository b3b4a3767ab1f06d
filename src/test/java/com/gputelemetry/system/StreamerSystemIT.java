package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The streamer jar as operators run it, against the packaged server on a real PostgreSQL that requires an ingest
 * token: a refused token, a streamer killed and restarted, an answer lost on the way. Each test compares what the
 * database holds before and after it. (Ten instances at once over both transports: {@link OverloadSystemIT}.)
 */
public class StreamerSystemIT {

    private static final String TOKEN = "system-test-token";
    private static final int SAMPLE_ROWS = 2_470;

    private static TestPostgres postgres;
    private static PackagedServer server;

    @BeforeAll
    static void start() throws Exception {
        postgres = TestPostgres.start();
        var environment = new HashMap<>(postgres.serverEnvironment());
        environment.put("INGEST_TOKEN", TOKEN);
        server = PackagedServer.start(Map.copyOf(environment), "streamers");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (postgres != null) {
            postgres.close();
        }
    }

    @Test
    void aStreamerWithoutTheRightTokenStopsAtOnceWithExitCode2AndStoresNothing() throws Exception {
        StoredTelemetry before = settled();
        for (String transport : List.of("http", "websocket")) {
            var result = StreamerProcess.run(
                    "wrong-token-" + transport,
                    "--url",
                    server.baseUrl(),
                    "--token",
                    "guess",
                    "--transport",
                    transport,
                    "--interval",
                    "0ms");

            assertThat(result.exitCode()).isEqualTo(2);
            assertThat(result.stderr()).contains("HTTP 401", "--token");
            assertThat(result.summary().rowsAcked()).isZero();
        }
        assertThat(settled().points()).isEqualTo(before.points());
    }

    /**
     * The server stores a batch, but its answer never reaches the streamer (cut off on purpose by a proxy, as by a
     * server dying between commit and answer): the streamer sends the same batch again and the server, recognising
     * the sequence, answers that it is a duplicate and stores nothing twice.
     */
    @Test
    void aBatchWhoseAnswerWasLostIsSentAgainAndRecognisedAsADuplicate() throws Exception {
        StoredTelemetry before = settled();
        try (var proxy = LostAnswerProxy.before(server)) {
            var result = StreamerProcess.run(
                    "lost-answer",
                    "--url",
                    proxy.baseUrl(),
                    "--token",
                    TOKEN,
                    "--no-loop",
                    "--interval",
                    "0ms",
                    "--batch-size",
                    Integer.toString(SAMPLE_ROWS));

            assertThat(result.exitCode())
                    .as("exit; stderr:%n%s", result.stderr())
                    .isZero();
            StreamerProcess.Summary summary = result.summary();
            assertThat(summary.retries())
                    .as("the lost answer made it send again")
                    .isEqualTo(1);
            assertThat(summary.rowsAcked()).isEqualTo(SAMPLE_ROWS);
            assertThat(proxy.laterAnswers()).contains("\"duplicate\":true");
        }
        assertThat(settled().points() - before.points())
                .as("the batch stored once")
                .isEqualTo(SAMPLE_ROWS);
    }

    /** A batch size that divides the sample's 2,470 rows: every batch of a looping streamer is full until it stops. */
    private static final int BATCH = 494;

    @Test
    void aStreamerKilledMidStreamAndRestartedUnderItsInstanceIdStoresEveryAcknowledgedRowOnce() throws Exception {
        StoredTelemetry before = settled();
        String instanceId = "phoenix-" + System.nanoTime();
        String[] arguments = {
            "--url",
            server.baseUrl(),
            "--token",
            TOKEN,
            "--instance-id",
            instanceId,
            "--loop",
            "--interval",
            "0ms",
            "--batch-size",
            Integer.toString(BATCH)
        };
        Path pending = StreamerProcess.pendingBatch(instanceId);
        long lastSequence = -1;
        for (int kill = 0; kill < 4; kill++) {
            var streamer = StreamerProcess.start("phoenix-" + kill, arguments);
            // Killed while a batch is in flight, after at least one batch of this run was acknowledged.
            long previous = lastSequence;
            // Polled often: a batch is in flight for only tens of milliseconds.
            Poll.until(
                    "a batch of this run in flight (its sequence)",
                    Duration.ofMinutes(1),
                    Duration.ofMillis(5),
                    () -> pendingSequence(pending),
                    sequence -> sequence > previous + 1);
            streamer.kill();
            lastSequence = pendingSequence(pending);
        }
        // The killed runs sent only full batches; what they had acknowledged, their state says.
        long acknowledgedBeforeLastRun =
                Long.parseLong(StreamerProcess.state(instanceId).getProperty("nextSequence"));
        var last = StreamerProcess.start("phoenix-last", arguments);
        Thread.sleep(2_000);
        var result = last.stop();
        assertThat(result.exitCode()).as("exit; stderr:%n%s", result.stderr()).isZero();
        assertThat(pending).as("the last run drained: no batch left in flight").doesNotExist();
        int resent = result.stderr().contains("\"event\":\"resending\"") ? 1 : 0;
        for (int run = 1; run < 4; run++) {
            resent += Files.readString(Path.of("target", "phoenix-" + run + "-streamer.err"))
                            .contains("\"event\":\"resending\"")
                    ? 1
                    : 0;
        }

        StoredTelemetry after = settled();
        assertThat(resent)
                .as("restarts that found the batch their predecessor had in flight and sent it again")
                .isGreaterThanOrEqualTo(3);
        // Every batch of a killed run was full (the size divides the sample); the last run, stopped, sent the rows it
        // had read as a last, smaller batch, and says how many it had acknowledged (its predecessor's batch in flight
        // included).
        long lastRun = result.summary().rowsAcked();
        assertThat(after.points() - before.points())
                .as(
                        "rows of the %d full batches the killed runs had acknowledged, and of the last run",
                        acknowledgedBeforeLastRun)
                .isEqualTo(acknowledgedBeforeLastRun * BATCH + lastRun);
        assertThat(after.distinctPoints())
                .as("no (gpu, metric, time) twice, whether or not the server had the resent batch")
                .isEqualTo(after.points());
    }

    /** The sequence of the batch in flight, from the streamer's state file; -1 while none is. */
    private static long pendingSequence(Path pending) {
        try {
            return Long.parseLong(Files.readString(pending).split(" ", 2)[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** What the database holds once the collectors have stored everything acknowledged so far. */
    private static StoredTelemetry settled() throws Exception {
        QueueProgress.awaitCollectorsCaughtUp(server);
        return postgres.storedTelemetry();
    }
}
