package com.gputelemetry.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.gputelemetry.Poll;
import com.gputelemetry.TelemetryCsv;
import com.gputelemetry.TestDatabase;
import com.gputelemetry.rollup.entity.PackedRollups;
import com.gputelemetry.rollup.entity.Rollup;
import com.gputelemetry.rollup.entity.RollupTier;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.File;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Summaries of closed time read the rollups and answer exactly what the points give, computed here from the points the
 * test sent. The server (see the module's failsafe configuration) builds rollups every second for time a minute old,
 * and keeps points for 300 days, minute rollups for 400 and hour rollups for 500: points from January 2026 are late
 * when they come (their hours are recomputed) and are deleted once the rollups hold them. Points of hours an hour old are packed into blocks (the default
 * COMPACT_AFTER_SECONDS): pages, summaries and PromQL read them there as they read them from their rows. Runs on H2
 * and on PostgreSQL.
 */
@ExtendWith({TestDatabase.class, ArquillianExtension.class})
class RollupSummaryIT {

    private static final String TEMP = "DCGM_FI_DEV_GPU_TEMP";
    private static final String HEADER = TelemetryCsv.HEADER.replace("\n", ",namespace,pod,container\n");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File("target/web-api.war"));
    }

    @ArquillianResource
    URL base;

    /** A point the test sent. */
    private record Point(Instant time, double value) {}

    @Test
    void summariesOfPointsRetentionHasDeletedAnswerFromTheRollupsAsThePointsDid() throws Exception {
        String uuid = TelemetryCsv.newGpu();
        Instant start = Instant.parse("2026-01-05T00:00:00Z");
        List<Point> points = sentAndGoneButTheirRollups(uuid, start);

        for (String step : List.of("1m", "5m", "1h", "2h", "1d")) {
            assertSummary(uuid, points, start, start.plus(150, ChronoUnit.MINUTES), step);
        }
        for (long step : new long[] {60, 300, 3600}) {
            assertLatest(uuid, points, start.minus(1, ChronoUnit.HOURS), start.plus(4, ChronoUnit.HOURS), step);
        }
    }

    /** Points of 450 days ago end up answered by their hour rollups alone; of 550 days ago, by nothing. */
    @Test
    void eachTierIsDeletedAtItsOwnAge() throws Exception {
        String uuid = TelemetryCsv.newGpu();
        Instant hoursKept = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(450, ChronoUnit.DAYS);
        Instant allGone = hoursKept.minus(100, ChronoUnit.DAYS);
        List<Point> kept = series(hoursKept, 360);
        ingest(uuid, kept);
        ingest(uuid, series(allGone, 360));
        Instant keptEnd = hoursKept.plus(2, ChronoUnit.HOURS).minus(1, ChronoUnit.MICROS);
        Instant goneEnd = allGone.plus(2, ChronoUnit.HOURS).minus(1, ChronoUnit.MICROS);

        Poll.until(
                "the points and minutes of both days deleted, the hours of the later one kept",
                Duration.ofSeconds(90),
                () -> get("/api/v1/gpus/" + uuid).statusCode() == 200
                        && buckets(uuid, hoursKept, keptEnd, "1m").isEmpty()
                        && buckets(uuid, allGone, goneEnd, "1m").isEmpty()
                        && buckets(uuid, allGone, goneEnd, "1h").isEmpty()
                        && buckets(uuid, hoursKept, keptEnd, "1h").size() == 2);
        assertSummary(uuid, kept, hoursKept, keptEnd, "1h");
        assertSummary(uuid, kept, hoursKept, keptEnd, "2h");
    }

    private JsonArray buckets(String uuid, Instant from, Instant to, String step) {
        return json("/api/v1/gpus/" + uuid + "/telemetry/summary?metric=" + TEMP + "&step=" + step + "&start_time="
                        + from + "&end_time=" + to)
                .getJsonArray("items");
    }

    /**
     * A database of the version before the blocks of rollups held a row a minute and a row an hour: such rows answer
     * as they did, are packed into blocks in the background, and answer the same from there. Made here from a GPU's
     * blocks of a day whose points retention deleted, turned back into rows the way that version stored them. On
     * PostgreSQL, where the test reaches the server's database.
     */
    @Test
    void rollupsOfTheEarlierLayoutAnswerAsTheyDidAndArePackedIntoBlocks() throws Exception {
        assumeTrue(TestDatabase.countsStatements(), "the server's database is reached by the test on PostgreSQL only");
        String uuid = TelemetryCsv.newGpu();
        Instant start = Instant.parse("2026-01-12T00:00:00Z");
        List<Point> points = sentAndGoneButTheirRollups(uuid, start);

        // The build job waits for the progress row's lock, held here: the rows answer before anything packs them.
        try (Connection holding = TestDatabase.connect()) {
            holding.setAutoCommit(false);
            holding.createStatement().executeQuery("SELECT built_us FROM telemetry_rollup_progress FOR UPDATE");
            // Two pods: one's first 70 minutes, the other's last 80, in two hours each.
            assertThat(unpackIntoRowsOfTheEarlierLayout(uuid, RollupTier.MINUTE))
                    .isEqualTo(150);
            assertThat(unpackIntoRowsOfTheEarlierLayout(uuid, RollupTier.HOUR)).isEqualTo(4);
            assertAnswersFromTheMinutes(uuid, points, start);
            assertThat(rows(uuid, "telemetry_rollup_1m") + rows(uuid, "telemetry_rollup_1h"))
                    .as("rows not packed yet")
                    .isEqualTo(154);
            holding.rollback();
        }

        Poll.until(
                "the rows of the earlier layout packed into blocks",
                Duration.ofSeconds(60),
                () -> rows(uuid, "telemetry_rollup_1m") + rows(uuid, "telemetry_rollup_1h") == 0
                        && rows(uuid, "telemetry_rollup_1m_block") == 4
                        && rows(uuid, "telemetry_rollup_1h_block") == 2);
        assertAnswersFromTheMinutes(uuid, points, start);
    }

    private void assertAnswersFromTheMinutes(String uuid, List<Point> points, Instant start) throws Exception {
        for (String step : List.of("1m", "5m", "1h")) {
            assertSummary(uuid, points, start, start.plus(150, ChronoUnit.MINUTES), step);
            // Whole minutes only: the points of a ragged edge are gone.
            assertSummary(
                    uuid,
                    points,
                    start.plus(1, ChronoUnit.MINUTES),
                    start.plus(149, ChronoUnit.MINUTES).minus(1, ChronoUnit.MICROS),
                    step);
        }
        for (long step : new long[] {60, 300}) {
            assertLatest(uuid, points, start.minus(1, ChronoUnit.HOURS), start.plus(4, ChronoUnit.HOURS), step);
        }
    }

    /** @return the rows written, one for each bucket of the GPU's blocks of the tier, which are deleted */
    private static int unpackIntoRowsOfTheEarlierLayout(String uuid, RollupTier tier) throws SQLException {
        try (Connection connection = TestDatabase.connect()) {
            connection.setAutoCommit(false);
            int rows = 0;
            try (PreparedStatement blocks = connection.prepareStatement("SELECT b.series_id, b.start_us, b.buckets"
                            + " FROM " + tier.blockTable() + " b JOIN telemetry_series s ON s.id = b.series_id"
                            + " WHERE s.gpu_uuid = ? FOR UPDATE OF b");
                    PreparedStatement insert = connection.prepareStatement("INSERT INTO " + tier.rowTable()
                            + " (series_id, bucket_us, point_count, value_sum, value_min, value_max, first_time_us,"
                            + " first_value, last_time_us, last_value) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                    PreparedStatement delete = connection.prepareStatement(
                            "DELETE FROM " + tier.blockTable() + " WHERE series_id = ? AND start_us = ?")) {
                blocks.setString(1, uuid);
                try (ResultSet block = blocks.executeQuery()) {
                    while (block.next()) {
                        for (Rollup rollup :
                                PackedRollups.unpack(tier, block.getLong(1), block.getLong(2), block.getBytes(3))) {
                            insert.setLong(1, rollup.seriesId());
                            insert.setLong(2, rollup.bucketMicros());
                            insert.setInt(3, rollup.count());
                            insert.setDouble(4, rollup.sum());
                            insert.setDouble(5, rollup.min());
                            insert.setDouble(6, rollup.max());
                            insert.setLong(7, rollup.firstMicros());
                            insert.setDouble(8, rollup.first());
                            insert.setLong(9, rollup.lastMicros());
                            insert.setDouble(10, rollup.last());
                            rows += insert.executeUpdate();
                        }
                        delete.setLong(1, block.getLong(1));
                        delete.setLong(2, block.getLong(2));
                        delete.executeUpdate();
                    }
                }
            }
            connection.commit();
            return rows;
        }
    }

    /** The GPU's rows in a table of rollups. */
    private static long rows(String uuid, String table) {
        try (Connection connection = TestDatabase.connect();
                PreparedStatement count = connection.prepareStatement("SELECT COUNT(*) FROM " + table
                        + " WHERE series_id IN (SELECT id FROM telemetry_series WHERE gpu_uuid = ?)")) {
            count.setString(1, uuid);
            try (ResultSet result = count.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void summariesOverRollupsAndRecentPointsAnswerAsThePointsDoWhateverTheWindow() throws Exception {
        String uuid = TelemetryCsv.newGpu();
        Instant start = Instant.now().truncatedTo(ChronoUnit.HOURS).minus(2, ChronoUnit.HOURS);
        // Up to a few minutes ago: the last minutes are still open, the rest is rolled up.
        int count = (int) (Duration.between(start, Instant.now()).toSeconds() / 20) - 3;
        List<Point> points = series(start, count);
        ingest(uuid, points);
        // A GPU that stopped within the first hour: once it is packed, its newest point is in a block, none in a row.
        String stopped = TelemetryCsv.newGpu();
        List<Point> stoppedPoints = points.subList(0, 100);
        ingest(stopped, stoppedPoints);
        Instant last = points.get(points.size() - 1).time();
        awaitBuiltAndCompacted(last, start.plus(1, ChronoUnit.HOURS));
        Point newest = stoppedPoints.get(stoppedPoints.size() - 1);
        JsonObject stoppedLatest =
                json("/api/v1/gpus/" + stopped).getJsonArray("latest").getJsonObject(0);
        assertThat(Instant.parse(stoppedLatest.getString("timestamp")) + " "
                        + stoppedLatest.getJsonNumber("value").doubleValue())
                .as("the newest point of a GPU whose points are all packed")
                .isEqualTo(newest.time() + " " + newest.value());
        // A late point in the packed hour: merged into its block when the rollups recompute its hour.
        points.add(1, new Point(start.plusSeconds(10), 99.5));
        ingest(uuid, points.subList(1, 2), "train-a");
        awaitBuiltAndCompacted(last, start.plus(1, ChronoUnit.HOURS));

        List<String> sent =
                points.stream().map(point -> point.time() + " " + point.value()).toList();
        assertThat(pages(uuid, "asc"))
                .as("the points, a page at a time, from the blocks and the rows")
                .isEqualTo(sent);
        List<String> backwards = new ArrayList<>(sent);
        Collections.reverse(backwards);
        assertThat(pages(uuid, "desc")).as("the same backwards").isEqualTo(backwards);
        Instant ragged = start.plusSeconds(47).plusNanos(123_000);
        for (String step : List.of("30s", "1m", "5m", "1h", "2h")) {
            assertSummary(uuid, points, start, last, step);
            assertSummary(uuid, points, ragged, last.minusSeconds(31), step);
            assertSummary(uuid, points, ragged.plus(1, ChronoUnit.HOURS), Instant.now(), step);
        }
        // Whole minutes and hours read the rollups up to what is built, the points after; 7 s, the points only.
        for (long step : new long[] {7, 60, 300, 3600}) {
            assertLatest(uuid, points, start, last.plusSeconds(400), step);
            assertLatest(uuid, points, start.plus(11, ChronoUnit.MINUTES), Instant.now(), step);
        }
        assertLatest(uuid, points, start.plus(1, ChronoUnit.HOURS), start.plus(1, ChronoUnit.HOURS), 0);
    }

    /**
     * Sends 150 minutes of points from {@code start} (older than the points are kept) and waits until they are rolled
     * up and deleted by retention.
     *
     * @return the points sent
     */
    private List<Point> sentAndGoneButTheirRollups(String uuid, Instant start) throws Exception {
        List<Point> points = series(start, 450);
        ingest(uuid, points);
        String window = "&start_time=" + start + "&end_time=" + start.plus(150, ChronoUnit.MINUTES);
        Poll.until(
                "the points of " + start + " rolled up, then deleted by retention",
                Duration.ofSeconds(90),
                () -> get("/api/v1/gpus/" + uuid).statusCode() == 200
                        && json("/api/v1/gpus/" + uuid + "/telemetry?limit=10" + window)
                                .getJsonArray("items")
                                .isEmpty());
        return points;
    }

    /**
     * Until the rollups are built up to two minutes before the last point, no hour stale, and the points before
     * {@code packedUntil} are packed into blocks.
     */
    private void awaitBuiltAndCompacted(Instant last, Instant packedUntil) throws InterruptedException {
        Poll.until(
                "the rollups built up to two minutes before the last point, the first hour packed",
                Duration.ofSeconds(90),
                () -> metric("telemetry_rollup_stale_buckets") == 0
                        && metric("telemetry_rollups_built_until_seconds")
                                >= last.minus(2, ChronoUnit.MINUTES).getEpochSecond()
                        && metric("telemetry_compacted_until_seconds") >= packedUntil.getEpochSecond());
    }

    /** Every point of the GPU, read in pages of 37 in that order, as "time value". */
    private List<String> pages(String uuid, String order) {
        List<String> read = new ArrayList<>();
        String cursor = null;
        do {
            JsonObject page = json("/api/v1/gpus/" + uuid + "/telemetry?limit=37&order=" + order
                    + (cursor == null ? "" : "&cursor=" + cursor));
            page.getJsonArray("items")
                    .getValuesAs(JsonObject.class)
                    .forEach(point -> read.add(Instant.parse(point.getString("timestamp")) + " "
                            + point.getJsonNumber("value").doubleValue()));
            cursor = page.isNull("nextCursor") || !page.containsKey("nextCursor") ? null : page.getString("nextCursor");
        } while (cursor != null);
        return read;
    }

    /**
     * A point every 20 s from {@code start}, with values that make every aggregate tell (no two neighbours equal, some
     * negative); the first half hour and more of one pod's, the rest another's: one GPU's metric in two series.
     */
    private static List<Point> series(Instant start, int count) {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            points.add(new Point(start.plusSeconds(20L * i), (i * 37 % 101) / 4.0 - (i % 7 == 0 ? 30 : 0)));
        }
        return points;
    }

    /** The pod a point was sent with: the first 70 minutes' points one pod's, the rest another's. */
    private static String pod(List<Point> points, Point point) {
        return point.time().isBefore(points.get(0).time().plus(70, ChronoUnit.MINUTES)) ? "train-a" : "train-b";
    }

    private void ingest(String uuid, List<Point> points) throws Exception {
        ingest(uuid, points, null);
    }

    /** Sends the points, each with its pod ({@link #pod}), or all with this one. */
    private void ingest(String uuid, List<Point> points, String thePod) throws Exception {
        var csv = new StringBuilder(HEADER);
        for (Point point : points) {
            String row = TelemetryCsv.row(point.time(), TEMP, 0, uuid, "H100", "rollup-host", point.value(), "");
            String pod = thePod == null ? pod(points, point) : thePod;
            csv.append(row, 0, row.length() - 1)
                    .append(",research,")
                    .append(pod)
                    .append(",main\n");
        }
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(uri("/api/v1/ingest"))
                        .header("Content-Type", "text/csv")
                        .header("Producer-Id", "it-" + UUID.randomUUID())
                        .header("Producer-Sequence", "0")
                        .POST(HttpRequest.BodyPublishers.ofString(csv.toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"accepted\":" + points.size(), "\"rejected\":[]");
    }

    /** The server's summary equals the one computed here from the points sent, bucket by bucket. */
    private void assertSummary(String uuid, List<Point> points, Instant from, Instant to, String step)
            throws Exception {
        long stepMicros = Long.parseLong(step.substring(0, step.length() - 1))
                * switch (step.charAt(step.length() - 1)) {
                    case 's' -> 1_000_000L;
                    case 'm' -> 60_000_000L;
                    case 'h' -> 3_600_000_000L;
                    default -> 86_400_000_000L;
                };
        Map<Long, double[]> expected = new TreeMap<>(); // start: count, sum, min, max
        for (Point point : points) {
            if (point.time().isBefore(from) || point.time().isAfter(to)) {
                continue;
            }
            long micros = ChronoUnit.MICROS.between(Instant.EPOCH, point.time());
            double[] bucket = expected.computeIfAbsent(Math.floorDiv(micros, stepMicros) * stepMicros, any ->
                    new double[] {0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY});
            bucket[0]++;
            bucket[1] += point.value();
            bucket[2] = Math.min(bucket[2], point.value());
            bucket[3] = Math.max(bucket[3], point.value());
        }
        String query = "/api/v1/gpus/" + uuid + "/telemetry/summary?metric=" + TEMP + "&step=" + step + "&start_time="
                + from + "&end_time=" + to;
        JsonArray buckets = json(query).getJsonArray("items");
        assertThat(buckets).as(query).hasSize(expected.size());
        int i = 0;
        for (var entry : expected.entrySet()) {
            JsonObject bucket = buckets.getJsonObject(i++);
            double[] want = entry.getValue();
            String what = query + " bucket " + bucket;
            assertThat(bucket.getString("start"))
                    .as(what)
                    .isEqualTo(Instant.EPOCH
                            .plus(entry.getKey(), ChronoUnit.MICROS)
                            .toString());
            assertThat(bucket.getJsonNumber("count").longValue()).as(what).isEqualTo((long) want[0]);
            assertThat(bucket.getJsonNumber("min").doubleValue()).as(what).isEqualTo(want[2]);
            assertThat(bucket.getJsonNumber("max").doubleValue()).as(what).isEqualTo(want[3]);
            assertThat(bucket.getJsonNumber("avg").doubleValue()).as(what).isCloseTo(want[1] / want[0], within(1e-9));
        }
    }

    /**
     * Prometheus' query API answers the GPU's metric over {@code [from, to]} at the given step in seconds (0: an
     * instant query at {@code from}) as computed here from the points sent: at each time, each pod's series has the
     * value of its latest point at most 5 minutes old.
     */
    private void assertLatest(String uuid, List<Point> points, Instant from, Instant to, long stepSeconds)
            throws Exception {
        long fromMillis = from.toEpochMilli();
        long toMillis = to.toEpochMilli();
        Map<String, List<String>> expected = new TreeMap<>();
        for (long t = fromMillis; t <= toMillis; t += Math.max(1, stepSeconds) * 1000) {
            Map<String, Point> latest = new TreeMap<>();
            for (Point point : points) {
                long time = point.time().toEpochMilli();
                if (time <= t && time >= t - 300_000) {
                    latest.put(pod(points, point), point);
                }
            }
            long at = t;
            latest.forEach((pod, point) ->
                    expected.computeIfAbsent(pod, any -> new ArrayList<>()).add(at + " " + point.value()));
        }
        String selector = URLEncoder.encode(TEMP + "{UUID=\"" + uuid + "\"}", StandardCharsets.UTF_8);
        String query = stepSeconds == 0
                ? "/prometheus/api/v1/query?query=" + selector + "&time=" + seconds(fromMillis)
                : "/prometheus/api/v1/query_range?query=" + selector + "&start=" + seconds(fromMillis) + "&end="
                        + seconds(toMillis) + "&step=" + stepSeconds;
        Map<String, List<String>> answered = new TreeMap<>();
        for (JsonValue value : json(query).getJsonObject("data").getJsonArray("result")) {
            JsonObject series = value.asJsonObject();
            List<JsonArray> samples = stepSeconds == 0
                    ? List.of(series.getJsonArray("value"))
                    : series.getJsonArray("values").getValuesAs(JsonArray.class);
            answered.put(
                    series.getJsonObject("metric").getString("pod"),
                    samples.stream()
                            .map(sample -> Math.round(sample.getJsonNumber(0).doubleValue() * 1000) + " "
                                    + Double.parseDouble(sample.getString(1)))
                            .toList());
        }
        assertThat(answered).as(query).isEqualTo(expected);
    }

    private static String seconds(long millis) {
        return java.math.BigDecimal.valueOf(millis, 3).toPlainString();
    }

    private double metric(String name) {
        Matcher matcher = Pattern.compile("(?m)^" + name + " (\\S+)$")
                .matcher(get("/prometheus/metrics").body());
        assertThat(matcher.find()).as(name + " in /prometheus/metrics").isTrue();
        return Double.parseDouble(matcher.group(1));
    }

    private JsonObject json(String path) {
        HttpResponse<String> response = get(path);
        assertThat(response.statusCode())
                .as("GET %s: %s", path, response.body())
                .isEqualTo(200);
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    private HttpResponse<String> get(String path) {
        try {
            return HTTP.send(
                    HttpRequest.newBuilder(uri(path))
                            .timeout(Duration.ofSeconds(60))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create(base.toString().replaceAll("/$", "") + path);
    }
}
