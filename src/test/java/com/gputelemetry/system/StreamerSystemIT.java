package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The streamer jar as operators run it, against the packaged server on a real PostgreSQL that requires an ingest
 * token: a refused token, a streamer killed and restarted, an answer lost on the way. Each test compares what the
 * database holds before and after it. (Ten instances at once over both transports: {@link OverloadSystemIT}.)
 */
public class StreamerSystemIT {

    private static final String TOKEN = SharedPostgresServer.INGEST_TOKEN;
    private static final int SAMPLE_ROWS = 2_470;

    @RegisterExtension
    static final SharedPostgresServer SHARED = new SharedPostgresServer();

    private static TestPostgres postgres;
    private static PackagedServer server;

    @BeforeAll
    static void start() {
        postgres = SHARED.postgres();
        server = SHARED.server();
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

    /**
     * Four times a streamer is killed with a batch in flight, which a proxy holds for that: twice before the server saw
     * it, twice after the server stored it but before its answer reached the streamer. Each restart under the same
     * instance id sends its predecessor's batch in flight again first, the same body under the same sequence, and the
     * server stores it once either way. At the end the database holds every acknowledged row once, with the sample's
     * values.
     */
    @Test
    void aStreamerKilledMidStreamAndRestartedUnderItsInstanceIdStoresEveryAcknowledgedRowOnce() throws Exception {
        StoredTelemetry before = settled();
        String instanceId = "phoenix-" + System.nanoTime();
        Path pending = StreamerProcess.pendingBatch(instanceId);
        List<Long> heldSequences = new ArrayList<>();
        try (var proxy = InFlightHoldingProxy.before(server)) {
            String[] arguments = {
                "--url",
                proxy.baseUrl(),
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
            long previous = -1;
            for (int kill = 0; kill < 4; kill++) {
                InFlightHoldingProxy.Hold hold =
                        kill % 2 == 0 ? InFlightHoldingProxy.Hold.REQUEST : InFlightHoldingProxy.Hold.ANSWER;
                // After the predecessor's batch in flight and at least one new batch of this run were acknowledged.
                var held = proxy.holdFirstBatchFrom(previous + 2, hold);
                var streamer = StreamerProcess.start("phoenix-" + kill, arguments);
                long sequence = held.get(1, TimeUnit.MINUTES);
                assertThat(pendingSequence(pending))
                        .as("run %d: the batch held is the one its state has in flight", kill)
                        .isEqualTo(sequence);
                streamer.kill();
                assertThat(pendingSequence(pending))
                        .as("run %d: killed with its batch in flight", kill)
                        .isEqualTo(sequence);
                heldSequences.add(sequence);
                previous = sequence;
            }
            // The killed runs sent only full batches; what they had acknowledged, their state says.
            long acknowledgedBeforeLastRun =
                    Long.parseLong(StreamerProcess.state(instanceId).getProperty("nextSequence"));
            assertThat(acknowledgedBeforeLastRun)
                    .as("the last held batch is the next sequence")
                    .isEqualTo(previous);
            var lastRun = StreamerProcess.start("phoenix-last", arguments);
            Thread.sleep(2_000);
            var last = lastRun.stop();
            assertThat(last.exitCode()).as("exit; stderr:%n%s", last.stderr()).isZero();
            assertThat(pending)
                    .as("the last run drained: no batch left in flight")
                    .doesNotExist();

            List<String> restarts = List.of("phoenix-1", "phoenix-2", "phoenix-3", "phoenix-last");
            for (int restart = 0; restart < restarts.size(); restart++) {
                long resent = heldSequences.get(restart);
                String log = restart < 3
                        ? Files.readString(Path.of("target", restarts.get(restart) + "-streamer.err"))
                        : last.stderr();
                List<String> resending = log.lines()
                        .filter(line -> line.contains("\"event\":\"resending\""))
                        .toList();
                assertThat(resending)
                        .as("%s: one batch re-sent, its predecessor's in flight; log:%n%s", restarts.get(restart), log)
                        .hasSize(1);
                assertThat(resending.get(0)).contains("\"sequence\":\"" + resent + "\",\"rows\":\"" + BATCH + "\"");
                List<InFlightHoldingProxy.Sent> sends = proxy.sent().stream()
                        .filter(sent -> sent.sequence() == resent)
                        .toList();
                assertThat(sends).as("batch %d: held, then re-sent", resent).hasSize(2);
                assertThat(sends.get(1).body())
                        .as("batch %d re-sent with the same rows and times", resent)
                        .isEqualTo(sends.get(0).body());
                boolean serverHadIt = restart % 2 == 1;
                assertThat(sends.get(1).answer())
                        .as("batch %d re-sent: the server %s it", resent, serverHadIt ? "had" : "did not have")
                        .contains("\"duplicate\":" + serverHadIt);
            }

            // Every batch of a killed run was full (the size divides the sample); the last run, stopped, sent the rows
            // it had read as a last, smaller batch, and says how many it had acknowledged (its predecessor's batch in
            // flight included).
            StoredTelemetry after = settled();
            assertThat(after.points() - before.points())
                    .as(
                            "rows of the %d full batches the killed runs had acknowledged, and of the last run",
                            acknowledgedBeforeLastRun)
                    .isEqualTo(
                            acknowledgedBeforeLastRun * BATCH + last.summary().rowsAcked());
            assertThat(after.distinctPoints())
                    .as("no (gpu, metric, time) twice, whether or not the server had the resent batch")
                    .isEqualTo(after.points());
            // Row by row with its value: in the log as sent (the sample's value for its GPU and metric), and stored
            // as logged.
            LogAudit audit = postgres.logAudit();
            assertThat(audit.differences())
                    .as("log against stored rows and the sample")
                    .isEmpty();
            assertThat(audit.storedRows()).isEqualTo(after.points());
        }
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
