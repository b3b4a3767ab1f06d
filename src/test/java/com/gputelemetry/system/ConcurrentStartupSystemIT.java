package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Three servers started at the same moment on an empty PostgreSQL: one migrates the schema while the others wait for
 * it (a database lock), the topic and the group are created once whoever gets there first, and all three become
 * ready and share the partitions.
 */
public class ConcurrentStartupSystemIT {

    private static final int SERVERS = 3;
    private static final int PARTITIONS = 16;

    @Test
    void threeServersStartedTogetherOnAnEmptyDatabaseAllBecomeReadyAndShareThePartitions() throws Exception {
        try (var postgres = TestPostgres.start()) {
            ExecutorService starting = Executors.newFixedThreadPool(SERVERS);
            List<Future<PackagedServer>> started = new ArrayList<>();
            for (int i = 0; i < SERVERS; i++) {
                var environment = new HashMap<>(postgres.serverEnvironment());
                environment.put("QUEUE_INSTANCE_ID", "together-" + i);
                String name = "together-" + i;
                started.add(starting.submit(() -> PackagedServer.start(Map.copyOf(environment), name, false)));
            }
            List<PackagedServer> servers = new ArrayList<>();
            try {
                for (Future<PackagedServer> server : started) {
                    servers.add(server.get()); // ready, or the start failed
                }
                Map<String, Long> owners = Poll.until(
                        "the partitions shared by the three servers",
                        Duration.ofMinutes(1),
                        Duration.ofMillis(500),
                        () -> QueueProgress.collectors(servers.get(0)).partitions().stream()
                                .map(QueueProgress.Partition::owner)
                                .filter(Objects::nonNull)
                                .collect(Collectors.groupingBy(owner -> owner, Collectors.counting())),
                        // Every partition owned, by all three, none above its fair share (rounded up).
                        counts -> counts.size() == SERVERS
                                && counts.values().stream()
                                                .mapToLong(Long::longValue)
                                                .sum()
                                        == PARTITIONS
                                && counts.values().stream()
                                        .allMatch(n -> n >= 1 && n <= (PARTITIONS + SERVERS - 1) / SERVERS));
                System.out.printf("concurrent start-up: partitions per server %s%n", owners);
                long migrated = servers.stream()
                        .filter(server -> logOf(server).contains("applied schema migration V1__queue_log.sql"))
                        .count();
                assertThat(migrated)
                        .as("servers that applied the first migration")
                        .isEqualTo(1);
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

    private static String logOf(PackagedServer server) {
        try {
            return server.log();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
