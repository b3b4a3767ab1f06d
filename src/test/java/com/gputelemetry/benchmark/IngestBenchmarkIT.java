package com.gputelemetry.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.gputelemetry.system.PackagedServer;
import com.gputelemetry.system.QueueProgress;
import com.gputelemetry.system.StreamerProcess;
import com.gputelemetry.system.TestPostgres;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToLongFunction;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;

/**
 * Not a test: how close a CSV row streamed through the whole pipeline gets to PostgreSQL's own {@code COPY} of the same
 * rows, in one run on one machine. On an embedded PostgreSQL (synchronous commits on), the packaged server
 * ({@code -Xms512m -Xmx512m}), after a warm-up, first takes a steady 10,000 rows/s (two streamers) while a probe
 * measures freshness (acknowledged → visible in the API); then streamers send flat out for a fixed time, the run waits
 * until every acknowledged row is stored (and checks each is stored once), and the same rows are copied with
 * {@code COPY} into a table of the same shape and indexes. Between the steady and the flat-out runs, a real Prometheus
 * remote-writes what it scrapes from fake dcgm-exporters ({@code -Dbenchmark.exporters=20}), measured the same way
 * (PostgreSQL only). Run with {@code ./mvnw -B verify -Pingest-benchmark}
 * (options: {@code -Dbenchmark.seconds=300}, {@code -Dbenchmark.streamers=4}, {@code -Dbenchmark.jfr=true} for a
 * flight recording of the server, {@code -Dbenchmark.database=h2} for the embedded default, without COPY); writes
 * {@code ear/target/ingest-benchmark.md}.
 */
class IngestBenchmarkIT {

    private static final int SECONDS = Integer.getInteger("benchmark.seconds", 60);
    private static final int STREAMERS = Integer.getInteger("benchmark.streamers", 4);
    private static final int STEADY_SECONDS = Integer.getInteger("benchmark.steady.seconds", 30);
    private static final int STEADY_ROWS_PER_SECOND = 10_000;
    private static final Duration WARM_UP = Duration.ofSeconds(20);
    private static final int REMOTE_WRITE_EXPORTERS = Integer.getInteger("benchmark.exporters", 20);

    private final List<String> report = new ArrayList<>();

    @Test
    void measure() throws Exception {
        List<String> jvm = new ArrayList<>(List.of("-Xms512m", "-Xmx512m"));
        if (Boolean.getBoolean("benchmark.jfr")) {
            jvm.add("-XX:StartFlightRecording=filename=target/ingest-benchmark.jfr,settings=profile");
        }
        boolean onH2 = "h2".equals(System.getProperty("benchmark.database"));
        try (var postgres = onH2 ? null : TestPostgres.start();
                var server = PackagedServer.start(
                        onH2 ? h2Environment() : postgres.serverEnvironment(), "ingest-benchmark", jvm)) {
            line("# Ingest benchmark");
            line("");
            line(
                    "After %d s of warm-up: %d s steady at %,d rows/s, then %d s flat out with %d streamers (half HTTP,"
                            + " half WebSocket, batches of 1,000); server -Xms512m -Xmx512m on %s, %d cores.",
                    WARM_UP.toSeconds(),
                    STEADY_SECONDS,
                    STEADY_ROWS_PER_SECOND,
                    SECONDS,
                    STREAMERS,
                    onH2 ? "embedded H2" : "PostgreSQL",
                    Runtime.getRuntime().availableProcessors());
            warmUp(server);
            steady(server);
            double remoteWritten = postgres == null
                    ? 0
                    : new RemoteWritePhase(REMOTE_WRITE_EXPORTERS, SECONDS, this::line).measure(server, postgres);
            Instant flatOutStart = Instant.now().truncatedTo(ChronoUnit.MILLIS);
            FlatOut flatOut = flatOut(server, postgres);
            Duration endToEnd = Duration.between(flatOutStart, flatOut.allStored());
            double pipeline = flatOut.acknowledged().rows() / seconds(endToEnd);
            line("");
            line("## Flat out");
            line("");
            line("| figure | value |");
            line("|---|---|");
            line("| rows acknowledged | %,d |", flatOut.acknowledged().rows());
            line(
                    "| acknowledged rows/s while streaming | %,.0f |",
                    flatOut.acknowledged().rows() / (double) SECONDS);
            line("| all stored after | %.1f s |", seconds(endToEnd));
            line("| **end to end rows/s** | **%,.0f** |", pipeline);
            if (postgres != null) {
                long stored = count(postgres, micros(flatOutStart));
                assertThat(stored)
                        .as("rows stored exactly once")
                        .isEqualTo(flatOut.acknowledged().rows());
                server.close();
                List<Double> copySeconds = copy(postgres, micros(flatOutStart));
                double copy = flatOut.acknowledged().rows() / copySeconds.get(1);
                line(
                        "| COPY of the same rows into a same-shaped table (median of 3) | %,.0f rows/s (%.1f s; all: %s) |",
                        copy,
                        copySeconds.get(1),
                        copySeconds.stream()
                                .map(seconds -> String.format(Locale.ROOT, "%.1f s", seconds))
                                .toList());
                line("| **ratio end to end / COPY** | **%.2f** |", pipeline / copy);
                line(
                        "| **remote-write samples/s end to end** (above) against these CSV rows/s | **%.2f** |",
                        remoteWritten / pipeline);
                line("| COPY's time per row | %.1f µs |", 1e6 / copy);
            }
            line(
                    "| acknowledgement p50 / p99 / max (worst streamer) | %s |",
                    flatOut.acknowledged().latency());
            line("| retries (429/503 answered) | %,d |", flatOut.acknowledged().retries());
            line("| server RSS max | %,d MB |", flatOut.peakRssMb());
            line("| CPU seconds: server / PostgreSQL / streamers | %s |", flatOut.cpu());
            line("| CPU per stored row: server / PostgreSQL / streamers | %s µs |", flatOut.microsPerRow());
            line("");
            line("Collectors' lag (records) every 5 s: %s", flatOut.lag());
        }
        if (Boolean.getBoolean("benchmark.jfr")) {
            line("");
            line("## Where the server's time goes (its flight recording, samples by the first frame of a known part)");
            line("");
            JfrShares.of(Path.of("target", "ingest-benchmark.jfr")).forEach(share -> line("- %s", share));
        }
        Path file = Path.of("target", "ingest-benchmark.md");
        Files.write(file, report);
        System.out.println("written to " + file.toAbsolutePath());
    }

    /** What a server that has run for a while has: its code compiled, its pools filled. Not measured. */
    private static void warmUp(PackagedServer server) throws Exception {
        List<StreamerProcess.Running> streamers = new ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                streamers.add(streamer(server, "warm-up-" + i, i, "--batch-size", "1000"));
            }
            Thread.sleep(WARM_UP.toMillis());
            for (var streamer : streamers) {
                streamer.stopCleanly();
            }
        } finally {
            streamers.forEach(StreamerProcess.Running::close);
        }
        QueueProgress.awaitCollectorsCaughtUp(server);
    }

    /** Two streamers at a steady 10,000 rows/s together, and the freshness probe alongside. */
    private void steady(PackagedServer server) throws Exception {
        List<StreamerProcess.Running> streamers = new ArrayList<>();
        var probe = new FreshnessProbe(server);
        Thread probing = new Thread(probe);
        try {
            for (int i = 0; i < 2; i++) {
                streamers.add(streamer(
                        server,
                        "steady-" + i,
                        i,
                        "--rate",
                        Integer.toString(STEADY_ROWS_PER_SECOND / 2),
                        "--batch-size",
                        "500"));
            }
            probing.start();
            Thread.sleep(Duration.ofSeconds(STEADY_SECONDS).toMillis());
            probe.stop();
            probing.join();
            if (probe.failure != null) {
                throw probe.failure;
            }
            List<StreamerProcess.Summary> summaries = new ArrayList<>();
            for (var streamer : streamers) {
                summaries.add(streamer.stopCleanly());
            }
            line("");
            line("## Steady %,d rows/s", STEADY_ROWS_PER_SECOND);
            line("");
            line("| figure | value |");
            line("|---|---|");
            Acknowledged acknowledged = Acknowledged.by(summaries);
            line("| rows acknowledged | %,d |", acknowledged.rows());
            line("| acknowledgement p50 / p99 / max (worst streamer) | %s |", acknowledged.latency());
            line(
                    "| freshness (acknowledged → in the API) p50 / p99 / max over %d probes | %.0f / %.0f / %.0f ms |",
                    probe.probes(), probe.percentile(50), probe.percentile(99), probe.percentile(100));
        } finally {
            probe.stop();
            streamers.forEach(StreamerProcess.Running::close);
        }
        QueueProgress.awaitCollectorsCaughtUp(server);
    }

    /** What flat out measured; the CPU seconds of the server, PostgreSQL and the streamers. */
    private record FlatOut(
            Acknowledged acknowledged,
            Instant allStored,
            long peakRssMb,
            double serverCpu,
            double postgresCpu,
            double streamersCpu,
            String lag) {

        String cpu() {
            return String.format(Locale.ROOT, "%.0f / %.0f / %.0f", serverCpu, postgresCpu, streamersCpu);
        }

        /** Microseconds of CPU per stored row, of each. */
        String microsPerRow() {
            double rows = acknowledged.rows() / 1e6;
            return String.format(
                    Locale.ROOT, "%.1f / %.1f / %.1f", serverCpu / rows, postgresCpu / rows, streamersCpu / rows);
        }
    }

    /** What the streamers' summaries say: rows acknowledged, retries, the worst streamer's acknowledgement times. */
    private record Acknowledged(long rows, long retries, long p50, long p99, long max) {

        static Acknowledged by(List<StreamerProcess.Summary> summaries) {
            return new Acknowledged(
                    summaries.stream()
                            .mapToLong(StreamerProcess.Summary::rowsAcked)
                            .sum(),
                    summaries.stream()
                            .mapToLong(StreamerProcess.Summary::retries)
                            .sum(),
                    worst(summaries, StreamerProcess.Summary::ackMillisP50),
                    worst(summaries, StreamerProcess.Summary::ackMillisP99),
                    worst(summaries, StreamerProcess.Summary::ackMillisMax));
        }

        private static long worst(List<StreamerProcess.Summary> summaries, ToLongFunction<StreamerProcess.Summary> f) {
            return summaries.stream().mapToLong(f).max().orElseThrow();
        }

        String latency() {
            return p50 + " / " + p99 + " / " + max + " ms";
        }
    }

    private FlatOut flatOut(PackagedServer server, TestPostgres postgres) throws Exception {
        List<StreamerProcess.Running> streamers = new ArrayList<>();
        Map<String, Long> cpuBefore = cpu(server, postgres, List.of());
        List<Long> lag = new ArrayList<>();
        long peakRss = 0;
        try {
            for (int i = 0; i < STREAMERS; i++) {
                streamers.add(streamer(server, "flat-out-" + i, i, "--batch-size", "1000"));
            }
            long end = System.nanoTime() + Duration.ofSeconds(SECONDS).toNanos();
            for (int second = 0; System.nanoTime() < end; second++) {
                if (second % 5 == 0) {
                    lag.add(QueueProgress.collectors(server).lag());
                }
                peakRss = Math.max(peakRss, ProcessUsage.residentMb(server.process()));
                Thread.sleep(1000);
            }
            Map<String, Long> cpuStreaming = cpu(server, postgres, streamers);
            List<StreamerProcess.Summary> summaries = new ArrayList<>();
            for (var streamer : streamers) {
                summaries.add(streamer.stopCleanly());
            }
            for (long caughtUp = -1; caughtUp != 0; ) {
                caughtUp = QueueProgress.collectors(server).lag();
                peakRss = Math.max(peakRss, ProcessUsage.residentMb(server.process()));
                if (lag.size() <= SECONDS / 5 + 60) {
                    lag.add(caughtUp);
                }
                Thread.sleep(caughtUp == 0 ? 0 : 200);
            }
            Instant allStored = Instant.now();
            Map<String, Long> cpuAfter = cpu(server, postgres, List.of());
            return new FlatOut(
                    Acknowledged.by(summaries),
                    allStored,
                    peakRss,
                    (cpuAfter.get("server") - cpuBefore.get("server")) / 100.0,
                    (cpuAfter.get("postgres") - cpuBefore.get("postgres")) / 100.0,
                    cpuStreaming.get("streamers") / 100.0,
                    lag.toString());
        } finally {
            streamers.forEach(StreamerProcess.Running::close);
        }
    }

    private static StreamerProcess.Running streamer(PackagedServer server, String name, int number, String... options)
            throws IOException {
        List<String> arguments = new ArrayList<>(List.of(
                "--loop",
                "--url",
                server.baseUrl(),
                "--transport",
                number % 2 == 0 ? "http" : "websocket",
                "--instance-id",
                name,
                "--interval",
                "0ms"));
        arguments.addAll(List.of(options));
        return StreamerProcess.startFullyCompiled(name, arguments.toArray(String[]::new));
    }

    /**
     * Copies the rows the pipeline stored since {@code fromMicros} out to a file, then times {@code COPY} of that file
     * into a fresh table like {@code telemetry_point} (same columns, same indexes), three times, each into a table of
     * its own: COPY's speed on a shared machine varies from run to run as much as ours.
     *
     * @return the seconds of each COPY, sorted
     */
    private static List<Double> copy(TestPostgres postgres, long fromMicros) throws Exception {
        Path rows = Files.createTempFile(Path.of("target"), "ingest-benchmark-rows", ".copy");
        try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "postgres")) {
            var copy = db.unwrap(PGConnection.class).getCopyAPI();
            try (var out = new BufferedOutputStream(Files.newOutputStream(rows))) {
                copy.copyOut("COPY (SELECT * FROM telemetry_point WHERE time_us >= " + fromMicros + ") TO STDOUT", out);
            }
            List<Double> seconds = new ArrayList<>();
            for (int run = 1; run <= 3; run++) {
                try (Statement statement = db.createStatement()) {
                    statement.execute("CREATE TABLE copy_baseline_" + run + " (LIKE telemetry_point INCLUDING ALL)");
                }
                long started = System.nanoTime();
                try (var in = new BufferedInputStream(Files.newInputStream(rows))) {
                    copy.copyIn("COPY copy_baseline_" + run + " FROM STDIN", in);
                }
                seconds.add((System.nanoTime() - started) / 1e9);
            }
            return seconds.stream().sorted().toList();
        } finally {
            Files.delete(rows);
        }
    }

    private static long count(TestPostgres postgres, long fromMicros) throws Exception {
        try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "postgres");
                Statement statement = db.createStatement();
                ResultSet result =
                        statement.executeQuery("SELECT COUNT(*) FROM telemetry_point WHERE time_us >= " + fromMicros)) {
            result.next();
            return result.getLong(1);
        }
    }

    /** The server's default database, embedded H2, in a directory of this run's. */
    private static Map<String, String> h2Environment() throws IOException {
        Path data = Files.createTempDirectory(Path.of("target").toAbsolutePath(), "ingest-benchmark-h2");
        return Map.of("TELEMETRY_DB_URL", PackagedServer.h2Url(data));
    }

    /** CPU time in clock ticks (1/100 s) of the server, of PostgreSQL's processes and of the streamers, so far. */
    private static Map<String, Long> cpu(
            PackagedServer server, TestPostgres postgres, List<StreamerProcess.Running> streamers) throws IOException {
        Map<String, Long> ticks = new HashMap<>();
        ticks.put("server", ProcessUsage.cpuTicks(server.process()));
        long pg = 0;
        if (postgres != null) {
            ProcessHandle postmaster = postgres.process();
            pg = ProcessUsage.cpuTicksWithDescendants(postmaster);
        }
        ticks.put("postgres", pg);
        long streaming = 0;
        for (var streamer : streamers) {
            streaming += ProcessUsage.cpuTicks(streamer.process().toHandle());
        }
        ticks.put("streamers", streaming);
        return ticks;
    }

    private static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }

    private void line(String format, Object... arguments) {
        String text = String.format(Locale.ROOT, format, arguments);
        System.out.println(text);
        report.add(text);
    }

    /** Microseconds since the epoch, as the store keeps time. */
    private static long micros(Instant instant) {
        return ChronoUnit.MICROS.between(Instant.EPOCH, instant);
    }
}
