package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Three servers started at the same moment on an empty PostgreSQL: one migrates the schema while the others wait for
 * it (a database lock), the topic and the group are created once by whoever gets there first, and all three become
 * ready and share the collectors' partitions by leases. A live subscriber on one sees the points all three store.
 * Then one is killed with SIGKILL and the other two take its partitions over once its leases expire. Every
 * acknowledged row is still stored exactly once.
 */
public class FailoverSystemIT {

    private static final int SERVERS = 3;
    private static final int PARTITIONS = 16;
    private static final long LEASE_TTL_MS = 8_000;
    private static final String WATCHED_GPU = "GPU-5fd4f087-86f3-7a43-b711-4771313afc50";

    @Test
    void threeServersStartedTogetherShareThePartitionsAndTheSurvivorsTakeOverAKilledOnesWithoutLossOrDoubles()
            throws Exception {
        try (var postgres = TestPostgres.start()) {
            ExecutorService starting = Executors.newFixedThreadPool(SERVERS);
            List<Future<PackagedServer>> started = new ArrayList<>();
            for (int i = 0; i < SERVERS; i++) {
                var environment = new HashMap<>(postgres.serverEnvironment());
                environment.put("QUEUE_INSTANCE_ID", "server-" + i);
                environment.put("QUEUE_LEASE_TTL_MS", Long.toString(LEASE_TTL_MS));
                String name = "failover-" + i;
                // Coverage from one survivor only: an agent killed while writing would spoil the shared coverage
                // file, and each agent slows its server's start.
                boolean coverage = i == SERVERS - 1;
                started.add(starting.submit(() -> PackagedServer.start(Map.copyOf(environment), name, coverage)));
            }
            try {
                List<PackagedServer> servers = new ArrayList<>();
                for (Future<PackagedServer> server : started) {
                    servers.add(server.get()); // ready, or the start failed
                }
                sharedFairlyAtStartUp(servers);
                long ackedBeforeFailover = livePushSeesWhatEveryServerStores(servers.get(0), servers.get(2));
                failover(postgres, servers, ackedBeforeFailover);
            } finally {
                for (Future<PackagedServer> server : started) {
                    try {
                        server.get().close(); // also those still starting when another failed
                    } catch (ExecutionException failedToStart) {
                        // reported by the first get above
                    }
                }
                starting.shutdown();
            }
        }
    }

    private static void sharedFairlyAtStartUp(List<PackagedServer> servers) throws Exception {
        Map<String, Long> owners = awaitOwners(
                servers.get(0),
                // Every partition owned, by all three, none above its fair share (rounded up).
                counts -> counts.size() == SERVERS
                        && counts.values().stream().mapToLong(Long::longValue).sum() == PARTITIONS
                        && counts.values().stream().allMatch(n -> n >= 1 && n <= (PARTITIONS + SERVERS - 1) / SERVERS));
        System.out.printf("concurrent start-up: partitions per server %s%n", owners);
        long migrated = servers.stream()
                .filter(server -> logOf(server).contains("applied schema migration V1__queue_log.sql"))
                .count();
        assertThat(migrated).as("servers that applied the first migration").isEqualTo(1);
    }

    /** A fleet subscriber on one server gets every point of a sample sent to another, whoever's collectors stored it. */
    private static long livePushSeesWhatEveryServerStores(PackagedServer subscribed, PackagedServer ingesting)
            throws Exception {
        try (var fleet = SseSubscription.open(subscribed.uri("/api/v1/telemetry/stream"), null)) {
            var sample = StreamerProcess.run(
                    "failover-live",
                    "--url",
                    ingesting.baseUrl(),
                    "--instance-id",
                    TelemetryCsv.unique("failover-live"),
                    "--interval",
                    "0ms");
            assertThat(sample.exitCode()).as("stderr:%n%s", sample.stderr()).isZero();
            long acked = sample.summary().rowsAcked();
            var points = fleet.next("point", (int) acked, Duration.ofMinutes(1));
            assertThat(points.stream().map(SseSubscription.Event::data).distinct())
                    .hasSize((int) acked);
            return acked;
        }
    }

    /**
     * A GPU stream open on server-0 while a streamer sends to server-2; server-0 is killed. The survivors take its
     * partitions once its leases expire; the stream's client resumes from its last event id on server-1 and, once
     * server-0 is back, on server-0: both times it gets what it missed, nothing twice. Then server-1 stops gracefully
     * and hands its leases back at once. In the end every acknowledged row is stored once, with its value.
     */
    private static void failover(TestPostgres postgres, List<PackagedServer> servers, long ackedBefore)
            throws Exception {
        PackagedServer killed = servers.get(0);
        PackagedServer stopped = servers.get(1);
        PackagedServer survivor = servers.get(2);
        String stream = "/api/v1/gpus/" + WATCHED_GPU + "/telemetry/stream";
        Instant from = Instant.now().truncatedTo(ChronoUnit.MICROS);
        List<SseSubscription.Event> beforeTheKill;
        StreamerProcess.Summary summary;
        try (var watched = SseSubscription.open(killed, stream, null);
                var streamer = StreamerProcess.loop("failover", survivor)) {
            List<SseSubscription.Event> first = watched.next("point", 1, Duration.ofSeconds(30));
            long killedAt = System.nanoTime();
            killed.kill();
            awaitOwners(
                    survivor,
                    owners -> owners.keySet().equals(Set.of("server-1", "server-2"))
                            && owners.values().stream()
                                            .mapToLong(Long::longValue)
                                            .sum()
                                    == PARTITIONS);
            long failoverMillis = Duration.ofNanos(System.nanoTime() - killedAt).toMillis();
            System.out.printf(
                    "failover: server-1 and server-2 owned all 16 partitions %d ms after server-0 was killed "
                            + "(lease TTL %d ms)%n",
                    failoverMillis, LEASE_TTL_MS);
            // Not before the dead server's leases ran out (renewed at most one tick, 1 s, before the kill), and
            // soon after: the survivors look every tick.
            assertThat(failoverMillis).isBetween(LEASE_TTL_MS - 2_000, LEASE_TTL_MS + 5_000);
            beforeTheKill = new ArrayList<>(first);
            watched.until(Duration.ofMillis(500)).stream()
                    .filter(event -> event.name().equals("point"))
                    .forEach(beforeTheKill::add);
            QueueProgress.awaitStreamingResumed(survivor);
            summary = streamer.stopCleanly();
        }
        // Restarted once the streamer has stopped: on two busy cores a start takes twice as long.
        killed.restart();
        QueueProgress.awaitCollectorsCaughtUp(survivor);
        String lastId = beforeTheKill.get(beforeTheKill.size() - 1).id();
        long stored = Http.getJson(
                        survivor,
                        "/api/v1/gpus/" + WATCHED_GPU + "/telemetry?limit=10000&start_time=" + from,
                        PipelineSystemTest.Series.class)
                .items()
                .size();
        int missed = (int) stored - beforeTheKill.size();
        List<SseSubscription.Event> onAnother;
        try (var resumed = SseSubscription.open(stopped, stream, lastId)) {
            onAnother = resumed.next("point", missed, Duration.ofSeconds(30));
            assertThat(resumed.rest(stopped)).noneMatch(event -> event.name().equals("point"));
        }
        try (var resumed = SseSubscription.open(killed, stream, lastId)) {
            assertThat(resumed.next("point", missed, Duration.ofSeconds(30)))
                    .as("resumed on the restarted server: what it missed, as on another server")
                    .containsExactlyElementsOf(onAnother);
        }
        assertThat(onAnother)
                .extracting(SseSubscription.Event::id)
                .doesNotContainAnyElementsOf(
                        beforeTheKill.stream().map(SseSubscription.Event::id).toList());

        long stoppedAt = System.nanoTime();
        stopped.close();
        awaitOwners(
                survivor,
                owners -> owners.keySet().equals(Set.of("server-0", "server-2"))
                        && owners.values().stream().mapToLong(Long::longValue).sum() == PARTITIONS);
        long handedBackMillis = Duration.ofNanos(System.nanoTime() - stoppedAt).toMillis();
        System.out.printf(
                "graceful stop: server-0 and server-2 owned all 16 partitions %d ms after server-1 was stopped%n",
                handedBackMillis);
        assertThat(handedBackMillis)
                .as("the stopped server's leases handed back, not left to expire")
                .isLessThan(LEASE_TTL_MS / 2);

        LogAudit audit = postgres.logAudit();
        assertThat(audit.differences()).as("log against stored rows").isEmpty();
        assertThat(audit.loggedRows())
                .as("rows in the log vs acknowledged")
                .isEqualTo(ackedBefore + summary.rowsAcked());
        assertThat(audit.storedRows()).isEqualTo(audit.loggedRows());
    }

    private static Map<String, Long> awaitOwners(PackagedServer server, Predicate<Map<String, Long>> condition)
            throws Exception {
        return Poll.until(
                "lease owners (partitions per server)",
                Duration.ofMinutes(1),
                Duration.ofMillis(250),
                () -> QueueProgress.collectors(server).partitions().stream()
                        .map(QueueProgress.Partition::owner)
                        .filter(Objects::nonNull)
                        .collect(Collectors.groupingBy(owner -> owner, Collectors.counting())),
                condition);
    }

    private static String logOf(PackagedServer server) {
        try {
            return server.log();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
