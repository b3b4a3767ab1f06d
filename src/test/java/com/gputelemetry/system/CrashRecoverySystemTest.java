package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The server is killed with SIGKILL, again and again, while two streamers push the real sample in a loop, one over
 * HTTP and one over the WebSocket. Afterwards
 * every row the streamers had acknowledged must be stored exactly once: as many points as acknowledged rows, and row by
 * row what the queue's log holds. A batch that was stored but whose answer was lost in the kill is re-sent by the
 * streamer under the same sequence and recognised; a record whose delivery was cut off is delivered again and its
 * half-done transaction is gone with the offset commit it belonged to.
 */
public abstract class CrashRecoverySystemTest {

    private static final int KILLS = 3;

    /** Where the server keeps its data: its environment, and how the test reads the tables afterwards. */
    interface Database {
        Map<String, String> environment();

        StoredTelemetry read() throws Exception;

        LogAudit audit() throws Exception;
    }

    abstract Database database(Path scratch) throws Exception;

    @Test
    void everyAcknowledgedRowIsStoredExactlyOnceAcrossKills() throws Exception {
        String name = getClass().getSimpleName();
        Database database = database(Files.createTempDirectory("telemetry-crash-test"));
        PackagedServer server = PackagedServer.start(database.environment(), name, false);
        try (var overHttp = StreamerProcess.loop(name + "-http", server, "http");
                var overWebSocket = StreamerProcess.loop(name + "-websocket", server, "websocket")) {
            for (int kill = 0; kill < KILLS; kill++) {
                Thread.sleep(ThreadLocalRandom.current().nextLong(2_000, 5_000));
                server.kill();
                server.restart();
            }
            QueueProgress.awaitStreamingResumed(server);
            long acknowledged = stopped(overHttp) + stopped(overWebSocket);

            QueueProgress.awaitCollectorsCaughtUp(server);
            server.close();

            StoredTelemetry stored = database.read();
            assertThat(stored.points()).as("points stored vs rows acknowledged").isEqualTo(acknowledged);
            LogAudit audit = database.audit();
            assertThat(audit.differences()).as("log against stored rows").isEmpty();
            assertThat(audit.loggedRows()).as("rows in the queue's log").isEqualTo(acknowledged);
            assertThat(stored.gpus()).isEqualTo(247);
        } finally {
            server.close();
        }
    }

    /** Stops the streamer as an operator would; answers the rows it had acknowledged. */
    private static long stopped(StreamerProcess.Running streamer) throws Exception {
        StreamerProcess.Summary summary = streamer.stopCleanly();
        assertThat(summary.retries()).as("the streamer noticed the kills").isPositive();
        return summary.rowsAcked();
    }
}
