package com.gputelemetry.benchmark;

import static java.lang.Double.NaN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.gputelemetry.system.Http;
import com.gputelemetry.system.PackagedServer;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiConsumer;
import java.util.function.IntFunction;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Not a test: the rollups on a month of history. Starts the packaged server on an embedded PostgreSQL (or, with {@code
 * -Drollup.benchmark.database=h2}, an H2 file) and loads 30 days (or {@code rollup.benchmark.days}) of {@code rollup.benchmark.gpus} GPUs (25 unless set) ×
 * {@code rollup.benchmark.metrics} metrics (10 unless set) at a 60 s interval into it, a day at a time, as late history
 * (see {@link MonthLoad#dayByDay}): the server rolls each day up and packs it into blocks before the next comes. Then
 * measures one client's summaries of one series over the month and a day from the rollups against the same from the
 * points, and a fleet panel's PromQL query (all GPUs' average, 30 days at an hour's step) from the rollups against the
 * same from the points, checking each answer against the values loaded; the disk each table takes; and the removal of
 * the oldest day by retention. Run with {@code ./mvnw -B verify -Prollup-benchmark}; writes {@code
 * ear/target/rollup-benchmark.md}.
 */
class RollupBenchmarkIT {

    /**
     * Days of history: 30 unless {@code rollup.benchmark.days} says otherwise (fewer puts the retention of a large
     * fleet's day within a shorter run).
     */
    static final int DAYS = Integer.getInteger("rollup.benchmark.days", 30);
    /**
     * Metrics per GPU: 10 unless {@code rollup.benchmark.metrics} says otherwise (1 with 250 GPUs puts the issue's
     * fleet of GPUs on this disk: each query reads one metric).
     */
    static final int METRICS = Integer.getInteger("rollup.benchmark.metrics", 10);
    /** The metric the queries read. */
    private static final int READ = Math.min(3, METRICS - 1);

    static final long MINUTE = 60_000_000L;
    static final long HOUR = 60 * MINUTE;
    private static final int REQUESTS = 200;
    /** Fewer for the fleet panel: from the points, each loads every point of the month of one metric. */
    private static final int FLEET_REQUESTS = 30;
    /** The server's default PROMETHEUS_QUERY_MAX_POINTS. */
    private static final long MAX_QUERY_POINTS = 5_000_000;

    private record Figures(String what, double p50, double p99) {}

    /** The value of a GPU's metric at its i-th minute: every bucket's aggregates tell. */
    static double value(int gpu, int metric, long minute) {
        return ((gpu * 31L + metric * 17L + minute * 7L) % 1000) / 10.0;
    }

    /**
     * When a GPU's metric reported in its i-th minute: a steady scrape a minute apart, each GPU at its own moment of the
     * minute (at least 3 ms into it), each time a few milliseconds early or late (deterministic, so that the checks can
     * compute every answer).
     */
    static long timeMicros(long startMicros, int gpu, int metric, long minute) {
        long phase = 3_000 + Math.floorMod(gpu * 7_919_000L, MINUTE - 10_000) + metric * 37L;
        long jitter = Math.floorMod(gpu * 104_729L + metric * 7_907L + minute * 15_485_863L, 4_001) - 2_000;
        return startMicros + minute * MINUTE + phase + jitter;
    }

    @Test
    void measure() throws Exception {
        int gpus = Integer.getInteger("rollup.benchmark.gpus", 25);
        boolean h2 = "h2".equalsIgnoreCase(System.getProperty("rollup.benchmark.database", "postgresql"));
        Instant end = Instant.now().truncatedTo(ChronoUnit.HOURS);
        Instant start = end.minus(DAYS, ChronoUnit.DAYS);
        long startMicros = ChronoUnit.MICROS.between(Instant.EPOCH, start);
        Path data = Files.createTempDirectory("rollup-benchmark");
        try (BenchmarkStore store = h2 ? BenchmarkStore.h2(data) : BenchmarkStore.postgres(data)) {
            Map<String, String> database = store.environment();
            // A first start makes the schema, then the GPUs are registered as their first reports would.
            try (var schema = PackagedServer.start(
                    with(database, "ROLLUP_INTERVAL_SECONDS", "86400"), "rollup-benchmark-schema", false)) {
                // only the schema
            }
            MonthLoad.registerGpus(store, gpus, startMicros);

            List<Figures> results = new ArrayList<>();
            MonthLoad load;
            try (var server = PackagedServer.start(
                    with(database, "ROLLUP_INTERVAL_SECONDS", "1"),
                    "rollup-benchmark",
                    List.of("-Xms512m", "-Xmx512m"))) {
                // With no points yet, the rollups and the blocks are up to date at once: every day loaded is history.
                while (metric(server.uri("/prometheus/metrics"), "telemetry_rollups_built_until_seconds")
                                < end.getEpochSecond()
                        || metric(server.uri("/prometheus/metrics"), "telemetry_compacted_until_seconds")
                                < end.getEpochSecond() - 3_600) {
                    Thread.sleep(1_000);
                }
                load = MonthLoad.dayByDay(store, h2, gpus, startMicros);
                // What autovacuum would do to the freshly written rollups anyway, not during the measurements; and
                // the space of the rows packed given back, as dropping their partition would.
                store.settle();

                String base = server.uri("/api/v1/gpus/").toString();
                String metric = metric(READ);
                results.add(alone(
                        "one series, " + DAYS + " days, 1 h step (" + DAYS * 24 + " buckets): from the rollups",
                        gpu -> base + uuid(gpu) + "/telemetry/summary?metric=" + metric + "&step=1h&start_time=" + start
                                + "&end_time=" + end.minusNanos(1_000),
                        gpus,
                        (gpu, body) -> assertBuckets(body, gpu, READ, startMicros, startMicros, HOUR, DAYS * 24)));
                results.add(alone(
                        "the same from the points (step 3,601 s: not whole minutes)",
                        gpu -> base + uuid(gpu) + "/telemetry/summary?metric=" + metric + "&step=3601s&start_time="
                                + start + "&end_time=" + end.minusNanos(1_000),
                        gpus,
                        (gpu, body) -> assertThat(points(body)).isEqualTo(DAYS * 1_440L)));
                Instant lastDay = end.minus(1, ChronoUnit.DAYS);
                long lastDayMicros = ChronoUnit.MICROS.between(Instant.EPOCH, lastDay);
                results.add(alone(
                        "one series, 24 h, 1 min step (1,440 buckets): from the rollups",
                        gpu -> base + uuid(gpu) + "/telemetry/summary?metric=" + metric + "&step=1m&start_time="
                                + lastDay + "&end_time=" + end.minusNanos(1_000),
                        gpus,
                        (gpu, body) -> assertBuckets(body, gpu, READ, startMicros, lastDayMicros, MINUTE, 1_440)));
                results.add(alone(
                        "the same from the points (step 59 s)",
                        gpu -> base + uuid(gpu) + "/telemetry/summary?metric=" + metric + "&step=59s&start_time="
                                + lastDay + "&end_time=" + end.minusNanos(1_000),
                        gpus,
                        (gpu, body) -> assertThat(points(body)).isEqualTo(1_440L)));
                String fleet = server.uri("/prometheus/api/v1/query_range").toString() + "?query=avg%28" + metric
                        + "%29&start=" + start.getEpochSecond() + "&end=" + end.getEpochSecond() + "&step=";
                results.add(alone(
                        "all GPUs' average, " + DAYS + " days, 1 h step (a fleet panel, PromQL): from the rollups",
                        gpu -> fleet + 3_600,
                        gpus,
                        (gpu, body) -> assertFleetAverage(body, gpus, READ, startMicros, 3_600),
                        FLEET_REQUESTS,
                        3));
                if (gpus * DAYS * 1_440L <= MAX_QUERY_POINTS) {
                    results.add(alone(
                            "the same from the points (step 3,599 s: not whole minutes)",
                            gpu -> fleet + 3_599,
                            gpus,
                            (gpu, body) -> assertFleetAverage(body, gpus, READ, startMicros, 3_599),
                            FLEET_REQUESTS,
                            3));
                } else {
                    // More points than one query may load: the server would refuse it once it had read that many, a
                    // heap's worth on this benchmark's 512 MB server.
                    results.add(new Figures(
                            "the same from the points: not asked, more points than PROMETHEUS_QUERY_MAX_POINTS",
                            NaN,
                            NaN));
                }
            }
            // Once the server has stopped: an H2 file's size while it runs is not the data's.
            long totalBytes = store.totalBytes();
            String retention = OldestDayRemoval.measure(store, database, startMicros, DAYS);
            String report = report(
                    h2 ? "H2 (file)" : "PostgreSQL 17 (embedded)",
                    gpus,
                    load,
                    sizes(store, load.points()),
                    totalBytes,
                    results,
                    retention);
            Files.writeString(Path.of("target", "rollup-benchmark.md"), report);
            System.out.println(report);
        }
    }

    private static Map<String, String> with(Map<String, String> environment, String name, String value) {
        var all = new HashMap<>(environment);
        all.put(name, value);
        return Map.copyOf(all);
    }

    static String uuid(int gpu) {
        return String.format(Locale.ROOT, "GPU-00000000-0000-0000-0000-%012d", gpu);
    }

    static String metric(int m) {
        return "DCGM_FI_DEV_METRIC_" + m;
    }

    /** Each bucket of the summary: one point a minute, their min, max and average as loaded. */
    private static void assertBuckets(
            String body, int gpu, int metric, long loadedFromMicros, long fromMicros, long stepMicros, int buckets) {
        Matcher bucket = Pattern.compile(
                        "\"start\":\"([^\"]+)\",\"min\":([^,]+),\"max\":([^,]+),\"avg\":([^,]+),\"count\":(\\d+)")
                .matcher(body);
        int seen = 0;
        long minutes = stepMicros / MINUTE;
        while (bucket.find()) {
            long startMicros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.parse(bucket.group(1)));
            assertThat(startMicros).isEqualTo(fromMicros + seen * stepMicros);
            long firstMinute = (startMicros - loadedFromMicros) / MINUTE;
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            double sum = 0;
            for (long minute = firstMinute; minute < firstMinute + minutes; minute++) {
                double v = value(gpu, metric, minute);
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
            }
            assertThat(Long.parseLong(bucket.group(5))).isEqualTo(minutes);
            assertThat(Double.parseDouble(bucket.group(2))).isEqualTo(min);
            assertThat(Double.parseDouble(bucket.group(3))).isEqualTo(max);
            assertThat(Double.parseDouble(bucket.group(4))).isCloseTo(sum / minutes, within(1e-9));
            seen++;
        }
        assertThat(seen).isEqualTo(buckets);
    }

    /**
     * The average over the GPUs, at each time, of each one's latest value at most 5 minutes old (Prometheus' instant
     * selector), as loaded: the point of the time's minute if it came by then, else the one of the minute before.
     */
    private static void assertFleetAverage(String body, int gpus, int metric, long startMicros, long stepSeconds) {
        Matcher sample = Pattern.compile("\\[([0-9.]+),\"([^\"]+)\"\\]").matcher(body);
        int seen = 0;
        for (long k = 0; k <= DAYS * 86_400L / stepSeconds; k++) {
            long tMillis = startMicros / 1_000 + k * stepSeconds * 1_000;
            long minute = (tMillis * 1_000 - startMicros) / MINUTE;
            double sum = 0;
            int values = 0;
            for (int gpu = 0; gpu < gpus; gpu++) {
                long at = timeMicros(startMicros, gpu, metric, minute) / 1_000 <= tMillis ? minute : minute - 1;
                if (at >= 0) {
                    sum += value(gpu, metric, at);
                    values++;
                }
            }
            if (values == 0) {
                continue;
            }
            assertThat(sample.find()).as("a value at %d", tMillis).isTrue();
            assertThat(Math.round(Double.parseDouble(sample.group(1)) * 1_000)).isEqualTo(tMillis);
            assertThat(Double.parseDouble(sample.group(2))).isCloseTo(sum / values, within(1e-9));
            seen++;
        }
        assertThat(sample.find()).as("no more values than times").isFalse();
        assertThat(seen).isPositive();
    }

    /** One client, one request at a time, a random GPU each: the latency a user sees, its tail included. */
    private static Figures alone(String what, IntFunction<String> url, int gpus, BiConsumer<Integer, String> check)
            throws Exception {
        return alone(what, url, gpus, check, REQUESTS, 20);
    }

    /** The same, {@code requests} measured after {@code warmUp} not. */
    private static Figures alone(
            String what, IntFunction<String> url, int gpus, BiConsumer<Integer, String> check, int requests, int warmUp)
            throws Exception {
        List<Double> latencies = new ArrayList<>();
        for (int i = 0; i < requests + warmUp; i++) {
            int gpu = ThreadLocalRandom.current().nextInt(gpus);
            long t0 = System.nanoTime();
            var response = Http.CLIENT.send(
                    HttpRequest.newBuilder(URI.create(url.apply(gpu))).build(), HttpResponse.BodyHandlers.ofString());
            double millis = (System.nanoTime() - t0) / 1e6;
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            check.accept(gpu, response.body());
            if (i >= warmUp) {
                latencies.add(millis);
            }
        }
        double[] sorted =
                latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Figures(
                what,
                sorted[(int) Math.floor(0.50 * (sorted.length - 1))],
                sorted[(int) Math.floor(0.99 * (sorted.length - 1))]);
    }

    private static double metric(URI metrics, String name) throws Exception {
        String text = Http.CLIENT
                .send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        Matcher matcher = Pattern.compile("(?m)^" + name + " (\\S+)$").matcher(text);
        assertThat(matcher.find()).as(name).isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    /** The points a summary counted, over all its buckets. */
    private static long points(String body) {
        Matcher count = Pattern.compile("\"count\":(\\d+)").matcher(body);
        long points = 0;
        while (count.find()) {
            points += Long.parseLong(count.group(1));
        }
        return points;
    }

    /**
     * Rows and bytes on disk of each table with its indexes (and TOAST), with the points' count; on H2, which does not
     * tell them apart, the rows only (and the whole file in the report).
     */
    private static String sizes(BenchmarkStore store, long points) throws Exception {
        var out = new StringBuilder("| table | rows | MB | bytes per stored point |\n|---|---|---|---|\n");
        try (Connection connection = store.connect();
                Statement statement = connection.createStatement()) {
            for (String table : List.of(
                    "telemetry_point",
                    "telemetry_block",
                    "telemetry_rollup_1m_block",
                    "telemetry_rollup_1h_block",
                    "telemetry_series")) {
                long rows;
                try (ResultSet rs = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
                    rs.next();
                    rows = rs.getLong(1);
                }
                long bytes = store.bytes(statement, table);
                out.append(String.format(
                        Locale.ROOT,
                        "| `%s` | %,d | %s | %s |%n",
                        table,
                        rows,
                        bytes < 0 ? "—" : String.format(Locale.ROOT, "%,.1f", bytes / 1e6),
                        bytes < 0 ? "—" : String.format(Locale.ROOT, "%.1f", bytes / (double) points)));
            }
        }
        return out.toString();
    }

    private static String report(
            String database,
            int gpus,
            MonthLoad load,
            String sizes,
            long totalBytes,
            List<Figures> results,
            String retention) {
        var out = new StringBuilder(String.format(
                Locale.ROOT,
                "Rollups on %s: %,d points (%d GPUs × %d metrics, one a minute, %d days), loaded a day at a time as"
                        + " late history: the bulk loads took %.0f s, the server's rollups and packing of each day"
                        + " %.0f s in all (%,.0f points/s); the raw table never held more than a day.%n%n",
                database,
                load.points(),
                gpus,
                METRICS,
                DAYS,
                load.loadSeconds(),
                load.mergeSeconds(),
                load.points() / load.mergeSeconds()));
        if (!Double.isNaN(load.rawBytesPerPoint())) {
            out.append(String.format(
                    Locale.ROOT,
                    "While raw: %.1f bytes a point (`telemetry_point` with its key, the first day loaded, not packed"
                            + " yet).%n%n",
                    load.rawBytesPerPoint()));
        }
        out.append(sizes).append('\n');
        if (totalBytes >= 0) {
            out.append(String.format(
                    Locale.ROOT,
                    "The database file, every table and index: %,.1f MB, %.1f bytes per stored point.%n%n",
                    totalBytes / 1e6,
                    totalBytes / (double) load.points()));
        }
        out.append("| one client | p50 ms | p99 ms |\n|---|---|---|\n");
        for (Figures f : results) {
            out.append(
                    Double.isNaN(f.p50())
                            ? String.format(Locale.ROOT, "| %s | — | — |%n", f.what())
                            : String.format(Locale.ROOT, "| %s | %.1f | %.1f |%n", f.what(), f.p50(), f.p99()));
        }
        return out.append('\n').append(retention).toString();
    }
}
