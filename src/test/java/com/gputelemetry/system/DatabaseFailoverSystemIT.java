package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A highly available PostgreSQL as operators run one: a primary with a synchronous streaming standby, and the server
 * given both hosts ({@code jdbc:postgresql://a,b/db?targetServerType=primary}). The primary is killed with SIGKILL
 * while streamers send over both transports, the standby is promoted (what a failover manager such as Patroni does),
 * and the server carries on by itself on the new primary. Synchronous replication means a commit the primary answered
 * is on the standby too: every acknowledged row is there, once, with its value.
 */
public class DatabaseFailoverSystemIT {

    @Test
    void afterThePrimaryIsKilledAndTheStandbyPromotedEveryAcknowledgedRowIsStoredOnce() throws Exception {
        try (var primary = TestPostgres.start();
                var standby = primary.synchronousStandby()) {
            String url = "jdbc:postgresql://localhost:" + primary.port() + ",localhost:" + standby.port()
                    + "/postgres?targetServerType=primary";
            var environment = Map.of(
                    "TELEMETRY_DB_DATASOURCE", "org.postgresql.ds.PGSimpleDataSource",
                    "TELEMETRY_DB_URL", url,
                    "TELEMETRY_DB_USER", "postgres",
                    "TELEMETRY_DB_PASSWORD", "postgres");
            try (var server = PackagedServer.start(environment, "db-failover")) {
                long seed = System.nanoTime();
                long killAfter = new Random(seed).nextLong(2_000, 5_000);
                StreamerProcess.Summary overHttp;
                StreamerProcess.Summary overWebSocket;
                try (var http = StreamerProcess.loop("db-failover-http", server, "http");
                        var webSocket = StreamerProcess.loop("db-failover-websocket", server, "websocket")) {
                    QueueProgress.awaitStreamingResumed(server);
                    System.out.printf("db-failover: primary killed %d ms into streaming (seed %d)%n", killAfter, seed);
                    Thread.sleep(killAfter);
                    primary.kill();
                    long killedAt = System.nanoTime();
                    standby.promote();
                    Poll.until(
                            "ready on the promoted standby",
                            Duration.ofSeconds(60),
                            Duration.ofMillis(200),
                            () -> Http.get(server, "/health/ready").statusCode(),
                            status -> status == 200);
                    QueueProgress.awaitStreamingResumed(server);
                    System.out.printf(
                            "db-failover: streaming again %d ms after the primary was killed%n",
                            Duration.ofNanos(System.nanoTime() - killedAt).toMillis());
                    overHttp = http.stopCleanly();
                    overWebSocket = webSocket.stopCleanly();
                }
                QueueProgress.awaitCollectorsCaughtUp(server);
                long acknowledged = overHttp.rowsAcked() + overWebSocket.rowsAcked();
                LogAudit audit = standby.logAudit();
                assertThat(audit.differences()).as("log against stored rows").isEmpty();
                assertThat(audit.loggedRows())
                        .as("rows in the log vs acknowledged")
                        .isEqualTo(acknowledged);
                assertThat(audit.storedRows()).as("rows stored vs acknowledged").isEqualTo(acknowledged);
            }
        }
    }
}
