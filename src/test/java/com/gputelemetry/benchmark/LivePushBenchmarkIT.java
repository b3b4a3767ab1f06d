package com.gputelemetry.benchmark;

import com.gputelemetry.system.Http;
import com.gputelemetry.system.PackagedServer;
import com.gputelemetry.system.QueueProgress;
import com.gputelemetry.system.StreamerProcess;
import com.gputelemetry.system.TestPostgres;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Not a test: what live push costs. On an embedded PostgreSQL, the packaged server ({@code -Xms512m -Xmx512m}) takes
 * streamers flat out twice for the same time, first with nobody subscribed (the baseline), then with 50 clients on the
 * fleet stream each reading every point; then the 50 clients watch fixed ingest rates, one step at a time. Reports the
 * rows/s acknowledged, the events/s the server delivered, whether each client got every stored point or was dropped
 * as too slow, and the server's resident memory. Run
 * with {@code ./mvnw -B verify -pl ear -Plive-benchmark} (options: {@code -Dbenchmark.live.seconds=30} per run, {@code
 * -Dbenchmark.subscribers=50}); writes {@code ear/target/live-benchmark.md}.
 */
class LivePushBenchmarkIT {

    private static final int SECONDS = Integer.getInteger("benchmark.seconds", 30);
    private static final int SUBSCRIBERS = Integer.getInteger("benchmark.subscribers", 50);
    private static final int STREAMERS = 2;
    private static final List<Integer> RATES = List.of(1_000, 2_000, 4_000, 8_000);
    private static final int STEP_SECONDS = 20;

    private final List<String> report = new ArrayList<>();

    @Test
    void measure() throws Exception {
        try (var postgres = TestPostgres.start();
                var server = PackagedServer.start(
                        postgres.serverEnvironment(), "live-benchmark", List.of("-Xms512m", "-Xmx512m"))) {
            line("# Live push benchmark");
            line("");
            line(
                    "The packaged server (-Xms512m -Xmx512m) on an embedded PostgreSQL, %d streamers (batches of 1,000),"
                            + " %d clients of the fleet stream reading every point; %d cores shared by all of them.",
                    STREAMERS, SUBSCRIBERS, Runtime.getRuntime().availableProcessors());
            flatOut(server, "warm-up", 10, 0);
            QueueProgress.awaitCollectorsCaughtUp(server);

            line("");
            line("## Does push slow ingest? Streamers flat out for %d s", SECONDS);
            line("");
            line("| subscribers | rows/s acknowledged | subscribers dropped as too slow | server resident memory |");
            line("|---|---|---|---|");
            for (int subscribers : List.of(0, SUBSCRIBERS)) {
                Watched run = watched(server, "flat-out-" + subscribers, SECONDS, 0, subscribers);
                line(
                        "| %d | %,.0f | %d | %,d MB |",
                        subscribers, run.rows() / (double) SECONDS, run.dropped(), run.rssMb());
            }

            line("");
            line("## What push sustains: %d subscribers at fixed ingest rates, %d s each", SUBSCRIBERS, STEP_SECONDS);
            line("");
            line("| rows/s ingested | events/s delivered (all subscribers) | got every point | dropped |");
            line("|---|---|---|---|");
            for (int rate : RATES) {
                Watched run = watched(server, "rate-" + rate, STEP_SECONDS, rate, SUBSCRIBERS);
                line(
                        "| %,.0f | %,.0f | %d of %d | %d |",
                        run.rows() / (double) STEP_SECONDS,
                        run.eventsPerSecond(),
                        run.complete(),
                        SUBSCRIBERS,
                        run.dropped());
            }
            Path file = Path.of("target", "live-benchmark.md");
            Files.write(file, report);
            System.out.println("written to " + file.toAbsolutePath());
        }
    }

    private record Watched(long rows, long complete, long dropped, double eventsPerSecond, long rssMb) {}

    /** Streams with the given subscribers connected, then waits until each has every stored point or was dropped. */
    private static Watched watched(PackagedServer server, String name, int seconds, int rate, int count)
            throws Exception {
        List<Counter> subscribers = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            subscribers.add(Counter.open(server));
        }
        long start = System.nanoTime();
        long rows = flatOut(server, name, seconds, rate);
        QueueProgress.awaitCollectorsCaughtUp(server);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        long lastEvent = System.nanoTime();
        while (System.nanoTime() < deadline && subscribers.stream().anyMatch(s -> !s.ended() && s.points() < rows)) {
            Thread.sleep(50);
            lastEvent = System.nanoTime();
        }
        long complete = subscribers.stream().filter(s -> s.points() == rows).count();
        long dropped = subscribers.stream().filter(Counter::ended).count();
        long events = subscribers.stream().mapToLong(Counter::points).sum();
        subscribers.forEach(Counter::close);
        return new Watched(
                rows,
                complete,
                dropped,
                events / ((lastEvent - start) / 1e9),
                ProcessUsage.residentMb(server.process()));
    }

    /** @param rate rows/s of all streamers together, 0 for flat out */
    private static long flatOut(PackagedServer server, String name, int seconds, int rate) throws Exception {
        List<StreamerProcess.Running> streamers = new ArrayList<>();
        for (int i = 0; i < STREAMERS; i++) {
            streamers.add(StreamerProcess.startFullyCompiled(
                    name + "-" + i,
                    "--loop",
                    "--url",
                    server.baseUrl(),
                    "--instance-id",
                    name + "-" + i + "-" + System.nanoTime(),
                    "--interval",
                    "0ms",
                    "--batch-size",
                    "1000",
                    "--rate",
                    Integer.toString(rate / STREAMERS),
                    "--duration",
                    seconds + "s"));
        }
        long rows = 0;
        for (var streamer : streamers) {
            streamer.process().waitFor(); // stops by itself after its duration
            rows += streamer.stopCleanly().rowsAcked();
        }
        return rows;
    }

    /** One subscriber of the fleet stream that counts the points it reads, as fast as it can. */
    private static final class Counter {

        private static final HttpClient HTTP = Http.CLIENT;

        private final AtomicLong points = new AtomicLong();
        private final AtomicBoolean ended = new AtomicBoolean();
        private final Stream<String> lines;

        private Counter(Stream<String> lines) {
            this.lines = lines;
            var reader = new Thread(() -> {
                try {
                    lines.forEach(line -> {
                        if (line.equals("event: point")) {
                            points.incrementAndGet();
                        }
                    });
                } catch (RuntimeException closed) {
                    // closed at the end
                }
                ended.set(true);
            });
            reader.setDaemon(true);
            reader.start();
        }

        static Counter open(PackagedServer server) throws Exception {
            var response = HTTP.send(
                    HttpRequest.newBuilder(server.uri("/api/v1/telemetry/stream"))
                            .build(),
                    HttpResponse.BodyHandlers.ofLines());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("subscribing: " + response.statusCode());
            }
            return new Counter(response.body());
        }

        long points() {
            return points.get();
        }

        boolean ended() {
            return ended.get();
        }

        void close() {
            lines.close();
        }
    }

    private void line(String format, Object... arguments) {
        String text = String.format(Locale.ROOT, format, arguments);
        System.out.println(text);
        report.add(text);
    }
}
