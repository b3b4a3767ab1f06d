package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The server is killed with SIGKILL, again and again, while two streamers push the real sample in a loop, one over
 * HTTP and one over the WebSocket, and two more scrape a host's dcgm-exporter each four times a second, again one
 * over each transport. Afterwards every row the streamers had acknowledged must be stored exactly once: as many points
 * as acknowledged rows, and row by row what the queue's log holds. Each exporter's GPUs are its own, so what a
 * scraping streamer acknowledged is counted apart, and each of its scrapes is checked against what the exporter served
 * in it. A batch that was stored but whose answer was lost in the kill is re-sent by the streamer under the same
 * sequence and recognised; a record whose delivery was cut off is delivered again and its half-done transaction is
 * gone with the offset commit it belonged to. The server keeps its name across restarts
 * ({@code QUEUE_INSTANCE_ID}), so each time it holds its partitions again at once, not after its old leases expired.
 * Each kill's moment is printed with the seed that chose it. Meanwhile a fifth streamer sends the sample once more at
 * its own time (July 2025, {@code --backfill}), 300 rows a second: late points of an hour the server packs into blocks,
 * and merges into them as they come, while the kills land; every backfilled point must end up in a block, once.
 */
public abstract class CrashRecoverySystemTest {

    private static final int KILLS = 3;
    private static final String INSTANCE = "crash-test-server";
    /**
     * Far longer than a restart takes: a server restarted under the same {@code QUEUE_INSTANCE_ID} holds its leases
     * again at once, where one under a new name would wait this long for its old leases to expire.
     */
    private static final Duration LEASE_TTL = Duration.ofSeconds(60);
    /**
     * Several scrapes between two kills; while the server is down, the scraping streamers' buffers fill (2,000 rows,
     * about 20 scrapes of a host's 8 GPUs) and later scrapes are skipped.
     */
    private static final Duration SCRAPE_INTERVAL = Duration.ofMillis(250);

    private static final long SAMPLE_GPUS = 247;
    /** The end of the hour of the sample's own time, which the backfilling streamer sends it at. */
    private static final long BACKFILLED_HOUR_END =
            Instant.parse("2025-07-18T21:00:00Z").getEpochSecond();

    /** Where the server keeps its data: its environment, and how the test reads the tables afterwards. */
    interface Database {
        Map<String, String> environment();

        StoredTelemetry read() throws Exception;

        LogAudit audit() throws Exception;

        RollupAudit rollupAudit() throws Exception;

        /** What was stored of the GPUs whose UUIDs begin so, scrape by scrape. */
        StoredScrapes scrapes(String uuidPrefix) throws Exception;
    }

    abstract Database database(Path scratch) throws Exception;

    @Test
    void everyAcknowledgedRowIsStoredExactlyOnceAcrossKills() throws Exception {
        String name = getClass().getSimpleName();
        Database database = database(Files.createTempDirectory("telemetry-crash-test"));
        var environment = new HashMap<>(database.environment());
        environment.put("QUEUE_INSTANCE_ID", INSTANCE);
        environment.put("QUEUE_LEASE_TTL_MS", Long.toString(LEASE_TTL.toMillis()));
        // Rollups built every second for time a second old: builds run while rows come in and when the kills land,
        // and rows stored after a restart are late.
        environment.put("ROLLUP_INTERVAL_SECONDS", "1");
        environment.put("ROLLUP_AFTER_SECONDS", "1");
        PackagedServer server = PackagedServer.start(Map.copyOf(environment), name, false);
        StreamerProcess.Running backfill = null;
        long seed = System.nanoTime();
        var random = new Random(seed);
        try (var exporterForHttp = FakeDcgmExporter.varying("scraped-http", "mtv5-dgx1-hgpu-001");
                var exporterForWebSocket = FakeDcgmExporter.varying("scraped-websocket", "mtv5-dgx1-hgpu-003");
                var overHttp = StreamerProcess.loop(name + "-http", server, "http");
                var overWebSocket = StreamerProcess.loop(name + "-websocket", server, "websocket");
                var scrapingOverHttp = StreamerProcess.scrape(
                        name + "-scrape-http", server, "http", exporterForHttp, SCRAPE_INTERVAL);
                var scrapingOverWebSocket = StreamerProcess.scrape(
                        name + "-scrape-websocket", server, "websocket", exporterForWebSocket, SCRAPE_INTERVAL)) {
            // The sample once more at its own time (July 2025), at a pace that spans the first kills: late points of
            // an hour the server packs into blocks, and merges into them as they come.
            backfill = StreamerProcess.start(
                    name + "-backfill",
                    "--backfill",
                    "--csv-path",
                    TelemetryCsv.sample().toString(),
                    "--url",
                    server.baseUrl(),
                    "--instance-id",
                    name + "-backfill",
                    "--rate",
                    "300",
                    "--batch-size",
                    "200");
            for (int kill = 0; kill < KILLS; kill++) {
                long after = random.nextLong(2_000, 5_000);
                System.out.printf("%s: kill %d of %d after %d ms (seed %d)%n", name, kill + 1, KILLS, after, seed);
                Thread.sleep(after);
                server.kill();
                server.restart();
                long restarted = System.nanoTime();
                Poll.until(
                        "every partition leased to the restarted server again (owners)",
                        LEASE_TTL.dividedBy(4),
                        Duration.ofMillis(200),
                        () -> QueueProgress.collectors(server).partitions().stream()
                                .map(QueueProgress.Partition::owner)
                                .distinct()
                                .toList(),
                        owners -> owners.equals(List.of(INSTANCE)));
                System.out.printf(
                        "%s: its leases back %d ms after the restart (lease TTL %d s)%n",
                        name, Duration.ofNanos(System.nanoTime() - restarted).toMillis(), LEASE_TTL.toSeconds());
            }
            QueueProgress.awaitStreamingResumed(server);
            // The restarted server counts what comes in by transport and by what the streamer read it from.
            Poll.until(
                    "rows of every streamer since the last restart, counted by transport and source",
                    Duration.ofSeconds(30),
                    Duration.ofMillis(500),
                    () -> {
                        ServerMetrics metrics = ServerMetrics.scrape(server);
                        List<Long> rows = new ArrayList<>();
                        for (String transport : List.of("http", "websocket")) {
                            for (String source : List.of("csv", "scrape")) {
                                rows.add(metrics.value(
                                        "ingest_rows_accepted_total", "transport", transport, "source", source));
                            }
                        }
                        return rows;
                    },
                    rows -> rows.stream().allMatch(count -> count > 0));
            List<Long> acknowledgedBy = stopped(overHttp, overWebSocket, scrapingOverHttp, scrapingOverWebSocket);
            long stoppedAt = System.nanoTime();
            long backfilled = backfill.finished().rowsAcked();
            long acknowledged =
                    acknowledgedBy.stream().mapToLong(Long::longValue).sum() + backfilled;

            QueueProgress.awaitCollectorsCaughtUp(server);
            // The end of the minute of the first point scraped (the sample's GPUs have backfilled points too): the
            // rollups must be built past it; and the backfilled hour packed, every late point of it merged.
            long firstMinuteEnd = Math.floorDiv(
                                    firstPointSeconds(
                                            server, exporterForHttp.uuidPrefix(), exporterForWebSocket.uuidPrefix()),
                                    60)
                            * 60
                    + 60;
            Poll.until(
                    "the rollups built past the first minute of the kills, no hour stale, the backfilled hour packed",
                    Duration.ofSeconds(90),
                    Duration.ofMillis(500),
                    () -> ServerMetrics.scrape(server),
                    metrics -> metrics.value("telemetry_rollups_built_until_seconds") >= firstMinuteEnd
                            && metrics.value("telemetry_rollup_stale_buckets") == 0
                            && metrics.value("telemetry_compacted_until_seconds") >= BACKFILLED_HOUR_END);
            System.out.printf(
                    "%s: rollups built, the backfill packed %d ms after the streamers stopped%n",
                    name, Duration.ofNanos(System.nanoTime() - stoppedAt).toMillis());
            server.close();

            StoredTelemetry stored = database.read();
            System.out.printf(
                    "%s: %d points stored, %d of them packed into blocks (%d backfilled)%n",
                    name, stored.points(), stored.packed(), backfilled);
            assertThat(stored.points()).as("points stored vs rows acknowledged").isEqualTo(acknowledged);
            assertThat(stored.doubled())
                    .as("points stored twice (as a row and in a block)")
                    .isZero();
            assertThat(stored.packed())
                    .as("the backfilled points, packed into blocks")
                    .isEqualTo(backfilled);
            LogAudit audit = database.audit();
            assertThat(audit.differences()).as("log against stored rows").isEmpty();
            assertThat(audit.loggedRows()).as("rows in the queue's log").isEqualTo(acknowledged);
            assertThat(stored.gpus())
                    .as("the sample's GPUs and each exporter's")
                    .isEqualTo(SAMPLE_GPUS + exporterForHttp.gpus() + exporterForWebSocket.gpus());
            RollupAudit rollups = database.rollupAudit();
            System.out.printf(
                    "%s: rollups built up to %s: %d minutes and %d hours of series checked against their points%n",
                    name,
                    Instant.EPOCH.plus(rollups.builtMicros(), ChronoUnit.MICROS),
                    rollups.minutes(),
                    rollups.hours());
            assertThat(rollups.minutes())
                    .as("minutes rolled up: the backfilled one of each series, and the live ones")
                    .isGreaterThan((int) backfilled);
            assertThat(rollups.differences()).as("rollups against the points").isEmpty();
            assertStoredOnceAsServed(database, exporterForHttp, acknowledgedBy.get(2));
            assertStoredOnceAsServed(database, exporterForWebSocket, acknowledgedBy.get(3));
        } finally {
            if (backfill != null) {
                backfill.close();
            }
            server.close();
        }
    }

    /**
     * The points of the exporter's GPUs: as many as its streamer acknowledged, and time by time a scrape the exporter
     * served, with every value it served then, stored once, at the time the scrape began.
     */
    private static void assertStoredOnceAsServed(Database database, FakeDcgmExporter exporter, long acknowledged)
            throws Exception {
        StoredScrapes stored = database.scrapes(exporter.uuidPrefix());
        System.out.printf(
                "%s: %d of %d scrapes stored%n",
                exporter.uuidPrefix(), stored.byTime().size(), exporter.scrapes());
        assertThat(stored.points())
                .as("points of %s stored vs rows its streamer acknowledged", exporter.uuidPrefix())
                .isEqualTo(acknowledged);
        // A scrape still answered within its timeout; a second more for a busy machine between stamp and request.
        assertThat(stored.differences(exporter, SCRAPE_INTERVAL.plusSeconds(1)))
                .as("scrapes of %s stored against those served", exporter.uuidPrefix())
                .isEmpty();
    }

    /** The time of the first point stored of the GPUs whose UUIDs begin so (their first reports), in epoch seconds. */
    private static long firstPointSeconds(RunningServer server, String... uuidPrefixes) throws Exception {
        var gpus = Http.get(server, "/api/v1/gpus?limit=10000");
        assertThat(gpus.statusCode()).as(gpus.body()).isEqualTo(200);
        Matcher gpu = Pattern.compile("\\{[^{}]*\"uuid\":\"([^\"]+)\"[^{}]*\"firstSeen\":\"([^\"]+)\"")
                .matcher(gpus.body());
        long first = Long.MAX_VALUE;
        while (gpu.find()) {
            for (String prefix : uuidPrefixes) {
                if (gpu.group(1).startsWith(prefix)) {
                    first = Math.min(first, Instant.parse(gpu.group(2)).getEpochSecond());
                }
            }
        }
        assertThat(first).as("a GPU listed").isLessThan(Long.MAX_VALUE);
        return first;
    }

    /** Stops the streamers as an operator would, all at once; answers the rows each had acknowledged. */
    private static List<Long> stopped(StreamerProcess.Running... streamers) throws Exception {
        List<StreamerProcess.Summary> summaries = StreamerProcess.stopCleanly(List.of(streamers));
        assertThat(summaries).as("each streamer noticed the kills").allSatisfy(summary -> assertThat(summary.retries())
                .as(summary.instanceId())
                .isPositive());
        return summaries.stream().map(StreamerProcess.Summary::rowsAcked).toList();
    }
}
