package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Two servers share one PostgreSQL and split the collectors' partitions by leases; a live subscriber on one sees the
 * points both store. Then one is killed with SIGKILL and the other takes its partitions over once their leases
 * expire. Every acknowledged row is still stored exactly once.
 */
public class FailoverSystemIT {

    private static final long LEASE_TTL_MS = 5_000;

    private static TestPostgres postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = TestPostgres.start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    @Test
    void theSurvivorTakesOverTheKilledServersPartitionsAndNothingIsLostOrDoubled() throws Exception {
        Map<String, String> database = new HashMap<>(postgres.serverEnvironment());
        database.put("QUEUE_LEASE_TTL_MS", Long.toString(LEASE_TTL_MS));
        PackagedServer a = PackagedServer.start(with(database, "server-a"), "failover-a", false);
        PackagedServer b = PackagedServer.start(with(database, "server-b"), "failover-b");
        try {
            awaitOwners(
                    b, owners -> owners.getOrDefault("server-a", 0L) == 8 && owners.getOrDefault("server-b", 0L) == 8);

            // Live push on one server sees every point stored, half of them by the other server's collectors.
            long ackedBeforeFailover;
            try (var fleet = SseSubscription.open(a.uri("/api/v1/telemetry/stream"), null)) {
                var sample = StreamerProcess.run(
                        "failover-live",
                        "--url",
                        b.baseUrl(),
                        "--instance-id",
                        "failover-live-" + System.nanoTime(),
                        "--interval",
                        "0ms");
                assertThat(sample.exitCode()).as("stderr:%n%s", sample.stderr()).isZero();
                ackedBeforeFailover = sample.summary().rowsAcked();
                var points = fleet.next("point", (int) ackedBeforeFailover, Duration.ofMinutes(1));
                assertThat(points.stream().map(SseSubscription.Event::data).distinct())
                        .hasSize((int) ackedBeforeFailover);
            }

            StreamerProcess.Summary summary;
            try (var streamer = StreamerProcess.loop("failover", b)) {
                Thread.sleep(3_000);
                long killedAt = System.nanoTime();
                a.kill();
                awaitOwners(b, owners -> owners.getOrDefault("server-b", 0L) == 16);
                long failoverMillis =
                        Duration.ofNanos(System.nanoTime() - killedAt).toMillis();
                System.out.printf(
                        "failover: server-b owned all 16 partitions %d ms after server-a was killed "
                                + "(lease TTL %d ms)%n",
                        failoverMillis, LEASE_TTL_MS);
                // Not before the dead server's leases ran out (renewed at most one tick, 1 s, before the kill), and
                // soon after: the survivor looks every tick.
                assertThat(failoverMillis).isBetween(LEASE_TTL_MS - 2_000, LEASE_TTL_MS + 5_000);

                Thread.sleep(2_000);
                summary = streamer.stopCleanly();
            }

            QueueProgress.awaitCollectorsCaughtUp(b);
            StoredTelemetry stored = postgres.storedTelemetry();
            assertThat(stored.points()).isEqualTo(ackedBeforeFailover + summary.rowsAcked());
            assertThat(stored.distinctPoints()).isEqualTo(stored.points());
        } finally {
            b.close();
            a.close();
        }
    }

    private static Map<String, String> with(Map<String, String> database, String instance) {
        var environment = new HashMap<>(database);
        environment.put("QUEUE_INSTANCE_ID", instance);
        return environment;
    }

    private static void awaitOwners(PackagedServer server, Predicate<Map<String, Long>> condition) throws Exception {
        Poll.until(
                "lease owners (partitions per server)",
                Duration.ofMinutes(1),
                () -> QueueProgress.collectors(server).partitions().stream()
                        .map(QueueProgress.Partition::owner)
                        .filter(Objects::nonNull)
                        .collect(Collectors.groupingBy(owner -> owner, Collectors.counting())),
                condition);
    }
}
