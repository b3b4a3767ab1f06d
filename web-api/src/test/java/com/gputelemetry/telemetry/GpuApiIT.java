package com.gputelemetry.telemetry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.gputelemetry.Poll;
import com.gputelemetry.TelemetryCsv;
import com.gputelemetry.TestDatabase;
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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The GPU API over real HTTP against the real WAR in Payara Micro: every endpoint, every error, inclusive bounds,
 * paging while points arrive, the streaming export and the summaries. Each test ingests its own GPUs (fresh UUIDs
 * and hostnames) through the ingest endpoint, so the tests do not see each other's data. Runs on H2 and, in a second
 * failsafe execution, on PostgreSQL.
 */
@ExtendWith({TestDatabase.class, ArquillianExtension.class})
class GpuApiIT {

    private static final String TEMP = "DCGM_FI_DEV_GPU_TEMP";
    private static final String POWER = "DCGM_FI_DEV_POWER_USAGE";
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00.000001Z");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File("target/web-api.war"));
    }

    @ArquillianResource
    URL base;

    @Test
    void theGpuListFiltersByHostAndModelAndPagesWithACursor() throws Exception {
        String host = TelemetryCsv.unique("it-host");
        String model = TelemetryCsv.unique("Model X");
        List<String> uuids = new ArrayList<>();
        var csv = new StringBuilder(TelemetryCsv.HEADER);
        for (int index = 4; index >= 0; index--) {
            String uuid = TelemetryCsv.newGpu();
            uuids.add(0, uuid);
            csv.append(TelemetryCsv.row(T0, TEMP, index, uuid, model, host, 40, ""));
        }
        String otherUuid = TelemetryCsv.newGpu();
        csv.append(TelemetryCsv.row(T0, TEMP, 0, otherUuid, model, TelemetryCsv.unique("it-other"), 40, ""));
        ingestAndWait(csv.toString(), 6);

        JsonObject byHost = json("/api/v1/gpus?hostname=" + encode(host.toUpperCase()));
        assertThat(uuidsOf(byHost)).as("ordered by GPU index").containsExactlyElementsOf(uuids);
        assertThat(byHost.isNull("nextCursor")).isTrue();
        assertThat(uuidsOf(json("/api/v1/gpus?limit=10000&model=" + encode(model.toLowerCase()))))
                .containsExactlyInAnyOrderElementsOf(concat(uuids, otherUuid));

        List<String> paged = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonObject page = json(
                    "/api/v1/gpus?hostname=" + encode(host) + "&limit=2" + (cursor == null ? "" : "&cursor=" + cursor));
            paged.addAll(uuidsOf(page));
            cursor = page.isNull("nextCursor") ? null : page.getString("nextCursor");
            pages++;
        } while (cursor != null);
        assertThat(paged).containsExactlyElementsOf(uuids);
        assertThat(pages).isEqualTo(3);

        assertProblem("/api/v1/gpus?limit=0", 400, "limit");
        assertProblem("/api/v1/gpus?limit=10001", 400, "limit");
        assertProblem("/api/v1/gpus?limit=many", 400, "limit");
        assertProblem("/api/v1/gpus?cursor=garbage", 400, "cursor");
    }

    @Test
    void aGpusDetailShowsItsLabelsDriverAndTheLatestValueOfEachMetric() throws Exception {
        String uuid = TelemetryCsv.newGpu();
        String labels = "DCGM_FI_DRIVER_VERSION=\"535.129.03\",Hostname=\"h\",__name__=\"" + TEMP
                + "\",gpu=\"3\",job=\"dgx_dcgm_exporter\"";
        String csv = TelemetryCsv.HEADER
                + TelemetryCsv.row(T0, TEMP, 3, uuid, "H100", "h", 40, labels)
                + TelemetryCsv.row(T0.plusSeconds(10), TEMP, 3, uuid, "H100", "h", 44, labels)
                + TelemetryCsv.row(T0.plusSeconds(5), POWER, 3, uuid, "H100", "h", 112.5, labels);
        ingestAndWait(csv, 3);

        JsonObject detail = json("/api/v1/gpus/" + uuid);
        assertThat(detail.getString("uuid")).isEqualTo(uuid);
        assertThat(detail.getInt("gpuIndex")).isEqualTo(3);
        assertThat(detail.getString("firstSeen")).isEqualTo(T0.toString());
        assertThat(detail.getString("lastSeen")).isEqualTo(T0.plusSeconds(10).toString());
        assertThat(detail.getString("driverVersion")).isEqualTo("535.129.03");
        assertThat(detail.getJsonObject("labels").keySet()).containsExactly("Hostname", "gpu", "job");
        JsonArray latest = detail.getJsonArray("latest");
        assertThat(latest).hasSize(2);
        JsonObject power = latest.getJsonObject(1);
        assertThat(power.getString("metric")).isEqualTo(POWER);
        assertThat(power.getString("unit")).isEqualTo("W");
        assertThat(power.getJsonNumber("value").doubleValue()).isEqualTo(112.5);
        JsonObject temp = latest.getJsonObject(0);
        assertThat(temp.getString("metric")).as("in metric name order").isEqualTo(TEMP);
        assertThat(temp.getString("unit")).isEqualTo("°C");
        assertThat(temp.getString("timestamp")).isEqualTo(T0.plusSeconds(10).toString());
        assertThat(temp.getJsonNumber("value").doubleValue()).isEqualTo(44);

        assertProblem("/api/v1/gpus/" + TelemetryCsv.newGpu(), 404, null);
    }

    /**
     * The newest values are read for the GPUs that reported lately in one statement over their last minutes; what is
     * not found there is looked up down each series' key, all in one more statement: a metric last reported a day
     * before, a GPU that stopped a week before the others. Of points at one time, the one stored last is the newest. On
     * PostgreSQL, the statements are counted by the database: one for the 41 series found, one for the 3 looked up.
     */
    @Test
    void theLatestValuesAreEachSeriesNewestPointHoweverLongAgoItCame() throws Exception {
        String host = TelemetryCsv.unique("latest");
        String reporting = TelemetryCsv.newGpu();
        String stopped = TelemetryCsv.newGpu();
        var csv = new StringBuilder(TelemetryCsv.HEADER)
                .append(TelemetryCsv.row(T0.minus(Duration.ofDays(1)), POWER, 0, reporting, "H100", host, 100, ""))
                .append(TelemetryCsv.row(T0, TEMP, 0, reporting, "H100", host, 50, ""))
                .append(TelemetryCsv.row(T0.plusSeconds(30), TEMP, 0, reporting, "H100", host, 51, ""))
                .append(TelemetryCsv.row(T0.plusSeconds(30), TEMP, 0, reporting, "H100", host, 52, ""))
                .append(TelemetryCsv.row(T0.minus(Duration.ofDays(7)), TEMP, 1, stopped, "H100", host, 40, ""))
                .append(TelemetryCsv.row(T0.minus(Duration.ofDays(7)), POWER, 1, stopped, "H100", host, 200, ""));
        List<String> expected = new ArrayList<>(List.of(
                "reporting " + TEMP + " " + T0.plusSeconds(30) + " 52.0",
                "reporting " + POWER + " " + T0.minus(Duration.ofDays(1)) + " 100.0",
                "stopped " + TEMP + " " + T0.minus(Duration.ofDays(7)) + " 40.0",
                "stopped " + POWER + " " + T0.minus(Duration.ofDays(7)) + " 200.0"));
        for (int i = 0; i < 20; i++) {
            String other = TelemetryCsv.newGpu();
            csv.append(TelemetryCsv.row(T0.plusSeconds(i), TEMP, 2 + i, other, "H100", host, 60 + i, ""));
            csv.append(TelemetryCsv.row(T0.plusSeconds(i), POWER, 2 + i, other, "H100", host, 300 + i, ""));
            expected.add("other " + TEMP + " " + T0.plusSeconds(i) + " " + (60.0 + i));
            expected.add("other " + POWER + " " + T0.plusSeconds(i) + " " + (300.0 + i));
        }
        ingestAndWait(csv.toString(), 46);

        if (TestDatabase.countsStatements()) {
            TestDatabase.forgetStatements();
        }
        JsonArray items = json("/api/v1/telemetry/latest?metric=" + TEMP + "&metric=" + POWER + "&hostname=" + host)
                .getJsonArray("items");
        if (TestDatabase.countsStatements()) {
            assertThat(TestDatabase.statementsLike("%MAX(time_us) AS newest%"))
                    .as("statements reading the newest points of the GPUs that reported lately")
                    .isEqualTo(1);
            assertThat(TestDatabase.statementsLike("%FROM telemetry_point WHERE%ORDER BY time_us DESC%"))
                    .as("series looked up in one statement: the reporting GPU's power, the stopped GPU's two")
                    .isEqualTo(1);
        }
        List<String> latest = new ArrayList<>();
        for (JsonValue item : items) {
            JsonObject gpu = item.asJsonObject();
            String uuid = gpu.getString("uuid");
            for (JsonValue value : gpu.getJsonArray("latest")) {
                JsonObject point = value.asJsonObject();
                latest.add((uuid.equals(reporting) ? "reporting " : uuid.equals(stopped) ? "stopped " : "other ")
                        + point.getString("metric") + " " + point.getString("timestamp") + " "
                        + point.getJsonNumber("value").doubleValue());
            }
        }
        assertThat(latest).containsExactlyInAnyOrderElementsOf(expected);
        JsonArray detail = json("/api/v1/gpus/" + reporting).getJsonArray("latest");
        assertThat(detail.getJsonObject(0).getJsonNumber("value").doubleValue())
                .as("the GPU's own newest temperature (metrics in name order)")
                .isEqualTo(52.0);
        assertThat(detail.getJsonObject(1).getJsonNumber("value").doubleValue())
                .as("the GPU's own newest power")
                .isEqualTo(100.0);
    }

    /**
     * GraphQL's page of GPUs with their labels and latest values reads them for the whole page at once: on PostgreSQL,
     * counted by the database, the statements of 100 GPUs are those of 10 (a few reading GPU rows: the page, their
     * labels, the metric names; one for the newest values of the GPUs that report; one for those of the GPUs that
     * stopped an hour before, series by series in one statement). {@code GraphQLApiIT} tests the rest of GraphQL; this
     * test is here because these tests run on PostgreSQL too.
     */
    @Test
    void aGraphQLPageOfGpusWithLabelsAndLatestValuesCostsTheSameStatementsForTenGpusAsForAHundred() throws Exception {
        String host = TelemetryCsv.unique("gql-batch");
        var csv = new StringBuilder(TelemetryCsv.HEADER);
        for (int index = 0; index < 100; index++) {
            String uuid = TelemetryCsv.newGpu();
            // Every other GPU stopped reporting an hour before the others.
            Instant reported = index % 2 == 0 ? T0 : T0.minus(Duration.ofHours(1));
            csv.append(TelemetryCsv.row(reported, TEMP, index, uuid, "H100", host, index, "job=\"dcgm\""));
            csv.append(TelemetryCsv.row(reported, POWER, index, uuid, "H100", host, 200 + index, "job=\"dcgm\""));
        }
        ingestAndWait(csv.toString(), 200);
        List<Long> ten = fewestStatementsOfAGraphQLPage(host, 10);
        List<Long> hundred = fewestStatementsOfAGraphQLPage(host, 100);
        if (TestDatabase.countsStatements()) {
            assertThat(hundred)
                    .as(
                            "statements (GPU rows; newest values of the GPUs that report; of those that stopped) for 10"
                                    + " GPUs %s and for 100 GPUs %s",
                            ten, hundred)
                    .isEqualTo(ten);
            assertThat(hundred.subList(1, 3))
                    .as("newest values in one statement, those of the GPUs that stopped in one more")
                    .isEqualTo(List.of(1L, 1L));
            System.out.printf("a GraphQL page of 10 or 100 GPUs: %s statements%n", hundred);
        }
    }

    /**
     * The fewest of three runs, kind by kind: the server's other work (the collectors, the rollups) may add statements
     * that read GPU rows to a run's count, never take any away.
     */
    private List<Long> fewestStatementsOfAGraphQLPage(String host, int gpus) throws Exception {
        List<Long> fewest = statementsOfAGraphQLPage(host, gpus);
        for (int run = 1; run < 3; run++) {
            List<Long> before = fewest;
            List<Long> again = statementsOfAGraphQLPage(host, gpus);
            fewest = IntStream.range(0, before.size())
                    .mapToObj(kind -> Math.min(before.get(kind), again.get(kind)))
                    .toList();
        }
        return fewest;
    }

    /** Counted from a quiet moment (the collectors read GPU rows too while they store); empty on H2. */
    private List<Long> statementsOfAGraphQLPage(String host, int gpus) throws Exception {
        if (TestDatabase.countsStatements()) {
            long deadline = System.currentTimeMillis() + 30_000;
            do {
                TestDatabase.forgetStatements();
                Thread.sleep(500);
            } while (TestDatabase.statementsLike("%FROM gpu %") > 0 && System.currentTimeMillis() < deadline);
            TestDatabase.forgetStatements();
        }
        String query = "{ gpus(hostname: \"" + host + "\", first: " + gpus + ") { edges { node { uuid gpuIndex"
                + " labels { name value } latest(metrics: [\"" + TEMP + "\", \"" + POWER
                + "\"]) { metric value } } } } }";
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(uri("/graphql"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(Json.createObjectBuilder()
                                .add("query", query)
                                .build()
                                .toString()))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        JsonObject answer = Json.createReader(new StringReader(response.body())).readObject();
        assertThat(answer.containsKey("errors")).as(response.body()).isFalse();
        JsonArray edges = answer.getJsonObject("data").getJsonObject("gpus").getJsonArray("edges");
        assertThat(edges).hasSize(gpus).allSatisfy(edge -> {
            JsonObject node = edge.asJsonObject().getJsonObject("node");
            int index = node.getInt("gpuIndex");
            assertThat(node.getJsonArray("latest").stream()
                            .map(value -> value.asJsonObject().getString("metric") + "="
                                    + value.asJsonObject()
                                            .getJsonNumber("value")
                                            .doubleValue())
                            .toList())
                    .as("the newest values of GPU %s", index)
                    .containsExactlyInAnyOrder(TEMP + "=" + (double) index, POWER + "=" + (200.0 + index));
            assertThat(node.getJsonArray("labels").getJsonObject(0).getString("value"))
                    .isEqualTo("dcgm");
        });
        if (!TestDatabase.countsStatements()) {
            return List.of();
        }
        return List.of(
                TestDatabase.statementsLike("%FROM gpu %"),
                TestDatabase.statementsLike("%MAX(time_us) AS newest%"),
                TestDatabase.statementsLike("%FROM telemetry_point WHERE%ORDER BY time_us DESC%"));
    }

    @Test
    void boundsAreInclusiveAndMetricAndOrderSelectThePoints() throws Exception {
        String uuid = TelemetryCsv.newGpu();
        var csv = new StringBuilder(TelemetryCsv.HEADER);
        for (int second = 0; second < 5; second++) {
            csv.append(TelemetryCsv.row(T0.plusSeconds(second), TEMP, 0, uuid, "H100", "h", second, ""));
            csv.append(TelemetryCsv.row(T0.plusSeconds(second), POWER, 0, uuid, "H100", "h", 100 + second, ""));
        }
        ingestAndWait(csv.toString(), 10);
        String series = "/api/v1/gpus/" + uuid + "/telemetry";

        JsonObject window = json(
                series + "?metric=" + TEMP + "&start_time=" + T0.plusSeconds(1) + "&end_time=" + T0.plusSeconds(3));
        assertThat(values(window))
                .as("a point at start_time and one at end_time are included")
                .containsExactly(1.0, 2.0, 3.0);
        assertThat(values(json(series + "?metric=" + TEMP + "&metric=" + POWER + "&start_time=" + T0.plusSeconds(4))))
                .containsExactly(4.0, 104.0);
        JsonObject newestFirst = json(series + "?metric=" + POWER + "&order=desc&limit=2");
        assertThat(values(newestFirst)).containsExactly(104.0, 103.0);
        JsonObject next =
                json(series + "?metric=" + POWER + "&order=desc&limit=2&cursor=" + newestFirst.getString("nextCursor"));
        assertThat(values(next)).containsExactly(102.0, 101.0);
        JsonObject empty = json(series + "?start_time=" + T0.plusSeconds(60));
        assertThat(empty.getJsonArray("items")).isEmpty();
        assertThat(empty.isNull("nextCursor")).isTrue();

        assertProblem(series + "?cursor=" + newestFirst.getString("nextCursor"), 400, "cursor");
        assertProblem(series + "?start_time=yesterday", 400, "start_time");
        assertProblem(series + "?end_time=2030-13-01T00:00:00Z", 400, "end_time");
        assertProblem(series + "?start_time=" + T0.plusSeconds(2) + "&end_time=" + T0, 400, "end_time");
        assertProblem(series + "?metric=NO_SUCH_METRIC", 400, "metric");
        assertProblem(series + "?order=sideways", 400, "order");
        assertProblem(series + "?limit=0", 400, "limit");
        assertProblem("/api/v1/gpus/" + TelemetryCsv.newGpu() + "/telemetry", 404, null);
    }

    @Test
    void pagingByCursorNeitherRepeatsNorSkipsWhileNewPointsArrive() throws Exception {
        String uuid = TelemetryCsv.newGpu();
        ingestAndWait(points(uuid, 0, 50), 50);
        String series = "/api/v1/gpus/" + uuid + "/telemetry?limit=7";

        List<Double> seen = new ArrayList<>();
        JsonObject page = json(series);
        seen.addAll(values(page));
        ingestAndWait(points(uuid, 50, 20), 70);
        while (!page.isNull("nextCursor")) {
            page = json(series + "&cursor=" + page.getString("nextCursor"));
            seen.addAll(values(page));
        }

        assertThat(seen)
                .containsExactlyElementsOf(
                        IntStream.range(0, 70).mapToObj(i -> (double) i).toList());
    }

    @Test
    void theExportStreamsTheWholeSelectionAsCsvOrNdjson() throws Exception {
        String uuid = TelemetryCsv.newGpu();
        int points = 12_000;
        ingestAndWait(points(uuid, 0, points), points);
        String series = "/api/v1/gpus/" + uuid + "/telemetry";

        HttpResponse<String> csv = get(series, "text/csv");
        assertThat(csv.statusCode()).isEqualTo(200);
        assertThat(csv.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/csv"));
        assertThat(csv.headers().firstValue("Content-Length"))
                .as("streamed, not buffered")
                .isEmpty();
        List<String> lines = csv.body().lines().toList();
        assertThat(lines).hasSize(points + 1);
        assertThat(lines.get(0)).isEqualTo("timestamp,metric,value");
        assertThat(lines.get(1)).isEqualTo(T0 + "," + TEMP + ",0.0");
        assertThat(lines.get(points)).isEqualTo(T0.plusSeconds(points - 1) + "," + TEMP + "," + (double) (points - 1));

        HttpResponse<String> ndjson =
                get(series + "?order=desc&end_time=" + T0.plusSeconds(99), "application/x-ndjson");
        assertThat(ndjson.statusCode()).isEqualTo(200);
        List<JsonObject> objects = ndjson.body()
                .lines()
                .map(line -> Json.createReader(new StringReader(line)).readObject())
                .toList();
        assertThat(objects).hasSize(100);
        assertThat(objects.get(0).getJsonNumber("value").doubleValue()).isEqualTo(99.0);
        assertThat(objects.get(99).getString("timestamp")).isEqualTo(T0.toString());

        HttpResponse<String> unknown = get("/api/v1/gpus/" + TelemetryCsv.newGpu() + "/telemetry", "text/csv");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(unknown.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
    }

    @Test
    void summariesGiveMinMaxAverageAndCountPerStep() throws Exception {
        String uuid = TelemetryCsv.newGpu();
        Instant minute = Instant.parse("2030-01-01T00:10:00Z");
        var csv = new StringBuilder(TelemetryCsv.HEADER);
        // Minute 10: 10, 20, 30; minute 11: 5; minute 13: 7 and 9. A point on the window's end is included.
        double[][] values = {{0, 10}, {20, 20}, {59.999999, 30}, {60, 5}, {180, 7}, {190, 9}};
        for (double[] v : values) {
            Instant at = minute.plusNanos((long) (v[0] * 1_000_000_000L));
            csv.append(TelemetryCsv.row(at, TEMP, 0, uuid, "H100", "h", v[1], ""));
        }
        ingestAndWait(csv.toString(), values.length);
        String summary =
                "/api/v1/gpus/" + uuid + "/telemetry/summary?metric=" + TEMP + "&end_time=" + minute.plusSeconds(190);
        String window = "&start_time=" + minute;

        JsonArray buckets = json(summary + window + "&step=1m").getJsonArray("items");
        assertThat(buckets).hasSize(3);
        assertBucket(buckets.getJsonObject(0), "2030-01-01T00:10:00Z", 10, 30, 20, 3);
        assertBucket(buckets.getJsonObject(1), "2030-01-01T00:11:00Z", 5, 5, 5, 1);
        assertBucket(buckets.getJsonObject(2), "2030-01-01T00:13:00Z", 7, 9, 8, 2);
        assertThat(json(summary + window + "&step=1h").getJsonArray("items")).hasSize(1);

        assertProblem(summary + window + "&step=90", 400, "step");
        assertProblem(summary + window + "&step=0m", 400, "step");
        assertProblem(summary + "&step=1s&start_time=2029-01-01T00:00:00Z", 400, "step");
        assertProblem("/api/v1/gpus/" + uuid + "/telemetry/summary", 400, "metric");
        assertProblem("/api/v1/gpus/" + TelemetryCsv.newGpu() + "/telemetry/summary?metric=" + TEMP, 404, null);
    }

    @Test
    void aSummaryWithoutAWindowCoversTheLastHour() throws Exception {
        String uuid = TelemetryCsv.newGpu();
        Instant now = Instant.now();
        ingestAndWait(
                TelemetryCsv.HEADER
                        + TelemetryCsv.row(now.minus(Duration.ofMinutes(30)), TEMP, 0, uuid, "H100", "h", 50, "")
                        + TelemetryCsv.row(now.minus(Duration.ofMinutes(90)), TEMP, 0, uuid, "H100", "h", 70, ""),
                2);

        JsonArray buckets = json("/api/v1/gpus/" + uuid + "/telemetry/summary?metric=" + TEMP + "&step=1d")
                .getJsonArray("items");

        // One-day buckets, so the hour falls into one of them, or two across midnight (UTC).
        assertThat(buckets.getValuesAs(JsonObject.class).stream()
                        .mapToLong(bucket -> bucket.getJsonNumber("count").longValue())
                        .sum())
                .as("only the point of the last hour")
                .isEqualTo(1);
        assertThat(buckets.getValuesAs(JsonObject.class).stream()
                        .mapToDouble(bucket -> bucket.getJsonNumber("max").doubleValue())
                        .max())
                .hasValue(50);
    }

    @Test
    void hostsAreListedWithTheirGpuCountsAndTheMetricsWithTheirUnits() throws Exception {
        String host = TelemetryCsv.unique("it-rack");
        var csv = new StringBuilder(TelemetryCsv.HEADER);
        for (int index = 0; index < 3; index++) {
            csv.append(TelemetryCsv.row(T0, POWER, index, TelemetryCsv.newGpu(), "H100", host, 100, ""));
        }
        ingestAndWait(csv.toString(), 3);

        List<JsonObject> hosts = new ArrayList<>();
        String cursor = null;
        do {
            JsonObject page = json("/api/v1/hosts?limit=3" + (cursor == null ? "" : "&cursor=" + cursor));
            page.getJsonArray("items").forEach(h -> hosts.add(h.asJsonObject()));
            cursor = page.isNull("nextCursor") ? null : page.getString("nextCursor");
        } while (cursor != null);
        assertThat(hosts.stream().map(h -> h.getString("hostname")).toList())
                .isSorted()
                .doesNotHaveDuplicates();
        assertThat(hosts)
                .filteredOn(h -> h.getString("hostname").equals(host))
                .singleElement()
                .satisfies(h -> assertThat(h.getJsonNumber("gpus").longValue()).isEqualTo(3));
        assertThat(json("/api/v1/hosts/" + host + "/gpus").getJsonArray("items"))
                .hasSize(3);
        assertProblem("/api/v1/hosts/" + TelemetryCsv.unique("nowhere") + "/gpus", 404, null);
        assertProblem("/api/v1/hosts?limit=-1", 400, "limit");

        JsonArray metrics = json("/api/v1/telemetry-metrics").getJsonArray("items");
        assertThat(metrics)
                .map(JsonValue::asJsonObject)
                .filteredOn(m -> m.getString("name").equals(POWER))
                .singleElement()
                .satisfies(m -> assertThat(m.getString("unit")).isEqualTo("W"));
    }

    private static void assertBucket(JsonObject bucket, String start, double min, double max, double avg, long count) {
        assertThat(bucket.getString("metric")).isEqualTo(TEMP);
        assertThat(bucket.getString("start")).isEqualTo(start);
        assertThat(bucket.getJsonNumber("min").doubleValue()).isEqualTo(min);
        assertThat(bucket.getJsonNumber("max").doubleValue()).isEqualTo(max);
        assertThat(bucket.getJsonNumber("avg").doubleValue()).isCloseTo(avg, within(1e-9));
        assertThat(bucket.getJsonNumber("count").longValue()).isEqualTo(count);
    }

    /** A CSV of {@code count} temperature points of one GPU, one second apart from T0 + {@code from} s, valued by second. */
    private static String points(String uuid, int from, int count) {
        return TelemetryCsv.HEADER
                + IntStream.range(from, from + count)
                        .mapToObj(s -> TelemetryCsv.row(T0.plusSeconds(s), TEMP, 0, uuid, "H100", "h", s, ""))
                        .collect(Collectors.joining());
    }

    /** Posts the rows and waits until the collectors have stored {@code storedPoints} points of the GPUs in it. */
    private void ingestAndWait(String csv, int storedPoints) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(uri("/api/v1/ingest"))
                        .header("Content-Type", "text/csv")
                        .header("Producer-Id", "it-" + UUID.randomUUID())
                        .header("Producer-Sequence", "0")
                        .POST(HttpRequest.BodyPublishers.ofString(csv))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"rejected\":[]");
        List<String> uuids =
                csv.lines().skip(1).map(line -> line.split(",")[4]).distinct().toList();
        Poll.until(
                storedPoints + " points stored",
                Duration.ofSeconds(60),
                () -> uuids.stream().mapToInt(this::storedPoints).sum() == storedPoints);
    }

    private int storedPoints(String uuid) {
        try {
            HttpResponse<String> response = get("/api/v1/gpus/" + uuid + "/telemetry", "text/csv");
            return response.statusCode() == 404
                    ? 0
                    : (int) response.body().lines().count() - 1;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonObject json(String path) throws Exception {
        HttpResponse<String> response = get(path, "application/json");
        assertThat(response.statusCode())
                .as("GET %s: %s", path, response.body())
                .isEqualTo(200);
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    private void assertProblem(String path, int status, String parameter) throws Exception {
        HttpResponse<String> response = get(path, "application/json");
        assertThat(response.statusCode())
                .as("GET %s: %s", path, response.body())
                .isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        JsonObject problem =
                Json.createReader(new StringReader(response.body())).readObject();
        assertThat(problem.getInt("status")).isEqualTo(status);
        assertThat(problem.getString("title")).isNotBlank();
        assertThat(problem.getString("detail")).isNotBlank().doesNotContain("Exception", "SELECT");
        if (parameter == null) {
            assertThat(problem.containsKey("parameter")).isFalse();
        } else {
            assertThat(problem.getString("parameter")).isEqualTo(parameter);
        }
    }

    private HttpResponse<String> get(String path, String accept) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(uri(path))
                        .header("Accept", accept)
                        .timeout(Duration.ofSeconds(60))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private URI uri(String path) {
        return URI.create(base.toString().replaceAll("/$", "") + path);
    }

    private static List<String> uuidsOf(JsonObject page) {
        return page.getJsonArray("items").stream()
                .map(item -> item.asJsonObject().getString("uuid"))
                .toList();
    }

    private static List<Double> values(JsonObject series) {
        return series.getJsonArray("items").stream()
                .map(item -> item.asJsonObject().getJsonNumber("value").doubleValue())
                .toList();
    }

    private static List<String> concat(List<String> list, String more) {
        List<String> all = new ArrayList<>(list);
        all.add(more);
        return all;
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
