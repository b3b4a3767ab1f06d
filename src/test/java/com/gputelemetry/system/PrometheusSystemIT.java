package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real Prometheus scrapes a dcgm-exporter made of the sample and forwards what it scraped to the packaged server by
 * remote write, on PostgreSQL, with the ingest token: each sample is stored once, at its own time, with its value, and
 * each GPU keeps every label Prometheus sent. The answer to Prometheus' first request is lost on the way, so that
 * Prometheus sends that request again, and the server recognises it. Then the server's query API answers every query
 * of its PromQL subset as that Prometheus does on the same samples, and {@code promtool} queries it.
 */
public class PrometheusSystemIT {

    private static final String TOKEN = SharedPostgresServer.INGEST_TOKEN;

    /** The query test's GPUs: the sample's, their UUIDs tagged, apart from the remote-write test's. */
    private static final String QUERIED = "GPU-query-";

    @RegisterExtension
    static final SharedPostgresServer SHARED = new SharedPostgresServer();

    private static TestPostgres postgres;
    private static PackagedServer server;

    @BeforeAll
    static void start() {
        postgres = SHARED.postgres();
        server = SHARED.server();
    }

    @Test
    void whatPrometheusScrapedIsStoredOnceAtItsTimeWithItsValueAndEveryLabel() throws Exception {
        // The shared server may hold the sample's GPUs from other tests, before this one began.
        Instant since = Instant.now();
        try (var exporter = FakeDcgmExporter.start();
                var proxy = LostAnswerProxy.before(server);
                var prometheus = PrometheusServer.start(configuration(exporter.target(), proxy.baseUrl()))) {
            // Up to a moment well after the scrape under way began: what Prometheus holds up to then, it holds whole.
            Instant[] until = new Instant[1];
            Map<String, Long> scraped = Poll.until(
                    "Prometheus holding five scrapes of the sample",
                    Duration.ofSeconds(60),
                    Duration.ofSeconds(1),
                    () -> scraped(prometheus, until[0] = Instant.now().minusSeconds(3)),
                    samples -> total(samples) >= 5L * TelemetryCsv.SAMPLE_ROWS);
            long samples = total(scraped);
            assertThat(scraped.keySet().stream()
                            .map(key -> key.substring(0, key.indexOf(' ', key.indexOf(' ') + 1)))
                            .distinct())
                    .as("a series for each GPU and metric of the sample")
                    .hasSize(TelemetryCsv.SAMPLE_ROWS);

            Poll.until(
                    "the samples up to " + until[0] + " stored",
                    Duration.ofSeconds(60),
                    () -> storedCount(since, until[0]),
                    count -> count >= samples);
            assertThat(differences(scraped, stored(since, until[0])))
                    .as("stored: each sample Prometheus scraped, once, at its time, with its value")
                    .isEmpty();
            assertThat(scraped.keySet()).as("the values are the sample's").allSatisfy(key -> {
                String[] parts = key.split(" ");
                assertThat(Double.parseDouble(parts[3])).isEqualTo(TelemetryCsv.sampleValue(parts[0], parts[1]));
            });
            assertThat(gpuLabels())
                    .as("every GPU with every label Prometheus sent, job and instance too")
                    .isEqualTo(expectedGpuLabels(exporter.target()));

            ServerMetrics metrics = ServerMetrics.scrape(server);
            assertThat(metrics.value("ingest_batches_total", "transport", "remote_write", "outcome", "duplicate"))
                    .as("the request whose answer was lost came again and was recognised")
                    .isGreaterThanOrEqualTo(1);
            assertThat(metrics.value("remote_write_samples_skipped_total", "reason", "not_gpu_series"))
                    .as("Prometheus' own series of the target (up, scrape_duration_seconds…) counted, not stored")
                    .isPositive();
            assertThat(PrometheusServer.promtool(metrics.text().getBytes(StandardCharsets.UTF_8), "check", "metrics"))
                    .as("promtool check metrics")
                    .isEmpty();
            assertThat(prometheus
                            .query(
                                    "ingest_batches_total{job=\"gpu-telemetry\", transport=\"remote_write\","
                                            + " outcome=\"duplicate\"}",
                                    Instant.now())
                            .data()
                            .result())
                    .as("the application's metrics as Prometheus scraped them (OpenMetrics)")
                    .singleElement()
                    .satisfies(duplicates -> assertThat(Double.parseDouble(
                                    (String) duplicates.value().get(1)))
                            .isGreaterThanOrEqualTo(1));
        }
    }

    /** The PromQL subset, each with the job's matcher where %s stands. */
    private static final List<String> QUERIES = List.of(
            "DCGM_FI_DEV_GPU_TEMP{%s}",
            "DCGM_FI_DEV_GPU_UTIL{%s, Hostname=\"mtv5-dgx1-hgpu-031\"}",
            "DCGM_FI_DEV_GPU_UTIL{%s, Hostname!=\"mtv5-dgx1-hgpu-031\"}",
            "DCGM_FI_DEV_GPU_UTIL{%s, Hostname=~\"mtv5-dgx1-hgpu-00.*\"}",
            "DCGM_FI_DEV_GPU_UTIL{%s, Hostname!~\"mtv5-dgx1-hgpu-0[0-2].*\", gpu=\"3\"}",
            "{__name__=~\"DCGM_FI_DEV_(GPU|MEM)_.*\", %s, gpu=\"0\"}",
            "{__name__=\"DCGM_FI_DEV_POWER_USAGE\", %s, modelName=~\".*H100.*\"}",
            "DCGM_FI_DEV_GPU_TEMP{%s} offset 10s",
            "avg_over_time(DCGM_FI_DEV_GPU_UTIL{%s}[20s])",
            "min_over_time(DCGM_FI_DEV_GPU_UTIL{%s}[20s])",
            "max_over_time(DCGM_FI_DEV_GPU_UTIL{%s}[20s])",
            "sum_over_time(DCGM_FI_DEV_GPU_UTIL{%s}[20s])",
            "count_over_time(DCGM_FI_DEV_GPU_UTIL{%s}[20s])",
            "last_over_time(DCGM_FI_DEV_GPU_UTIL{%s}[20s])",
            "max_over_time(DCGM_FI_DEV_GPU_TEMP{%s}[30s] offset 10s)",
            "rate(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{%s}[30s])",
            "increase(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{%s}[30s])",
            "rate(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{%s}[15s] offset 5s)",
            "increase(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{%s, gpu=\"0\"}[45s])",
            "sum(DCGM_FI_DEV_POWER_USAGE{%s})",
            "sum by (Hostname) (DCGM_FI_DEV_POWER_USAGE{%s})",
            "avg by (Hostname) (DCGM_FI_DEV_GPU_TEMP{%s})",
            "max by (modelName) (DCGM_FI_DEV_GPU_TEMP{%s})",
            "min without (gpu, UUID, device) (DCGM_FI_DEV_GPU_TEMP{%s})",
            "count by (Hostname) (DCGM_FI_DEV_GPU_UTIL{%s} > 50)",
            "sum(rate(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{%s}[30s])) by (Hostname)",
            "avg(avg_over_time(DCGM_FI_DEV_GPU_TEMP{%s}[30s])) by (Hostname)",
            "topk(5, DCGM_FI_DEV_POWER_USAGE{%s})",
            "bottomk(3, DCGM_FI_DEV_POWER_USAGE{%s})",
            "topk by (Hostname) (1, DCGM_FI_DEV_POWER_USAGE{%s})",
            "DCGM_FI_DEV_FB_USED{%s} / 1024",
            "DCGM_FI_DEV_FB_USED{%s} * 100 / (DCGM_FI_DEV_FB_USED{%s} + DCGM_FI_DEV_FB_FREE{%s})",
            "273.15 + DCGM_FI_DEV_GPU_TEMP{%s}",
            "-DCGM_FI_DEV_GPU_TEMP{%s}",
            "DCGM_FI_DEV_GPU_TEMP{%s} % 7",
            "DCGM_FI_DEV_GPU_TEMP{%s} ^ 2",
            "DCGM_FI_DEV_GPU_TEMP{%s} > 40",
            "DCGM_FI_DEV_GPU_TEMP{%s} >= 45",
            "DCGM_FI_DEV_GPU_UTIL{%s} < 10",
            "DCGM_FI_DEV_GPU_UTIL{%s} <= 20",
            "DCGM_FI_DEV_GPU_UTIL{%s} == 100",
            "DCGM_FI_DEV_GPU_UTIL{%s} != 100",
            "DCGM_FI_DEV_GPU_TEMP{%s} > bool 40",
            "50 < DCGM_FI_DEV_GPU_TEMP{%s}",
            "1 + 2 * 3",
            "sum(DCGM_FI_DEV_POWER_USAGE{%s}) / count(DCGM_FI_DEV_POWER_USAGE{%s})",
            // The workload labels, which come with each point: who used the GPUs.
            "DCGM_FI_DEV_GPU_UTIL{%s, pod=~\"llm-.*\"}",
            "sum by (namespace) (DCGM_FI_DEV_POWER_USAGE{%s})",
            "count by (namespace, pod) (DCGM_FI_DEV_GPU_TEMP{%s, namespace!=\"\"})",
            "avg without (pod, container, UUID, gpu, device) (DCGM_FI_DEV_GPU_UTIL{%s, namespace=\"serving\"})",
            "DCGM_FI_DEV_GPU_TEMP{%s, container=\"\"} > 45",
            // GPU 7 left after the 12th scrape: its series end at Prometheus' staleness markers, not 5 minutes later.
            "count(DCGM_FI_DEV_GPU_TEMP{%s, gpu=\"7\"})",
            "DCGM_FI_DEV_GPU_UTIL{%s, gpu=~\"[67]\"}");

    @Test
    void everyQueryOfTheSubsetIsAnsweredAsPrometheusAnswersItOnTheSameSamples() throws Exception {
        String job = "job=\"dcgm-query\"";
        try (var exporter = FakeDcgmExporter.varying("query");
                var prometheus = PrometheusServer.start(
                        configuration("dcgm-query", "1s", exporter.target(), server.baseUrl()))) {
            Poll.until("20 s of scrapes", Duration.ofSeconds(120), exporter::scrapes, scrapes -> scrapes >= 20);
            Instant at = Instant.now().minusSeconds(4);
            assertThat(prometheus
                            .query("min_over_time(up{" + job + "}[10m])", at)
                            .data()
                            .result())
                    .as("every scrape succeeded: the only series that end are GPU 7's, which the exporter drops")
                    .singleElement()
                    .satisfies(up -> assertThat(up.value().get(1)).isEqualTo("1"));
            long held = total(scraped(prometheus, "{__name__=~\"DCGM_.+\", " + job + "}", at));
            Poll.until(
                    "the server holding what Prometheus holds",
                    Duration.ofSeconds(60),
                    () -> queriedCount(at),
                    count -> count >= held);

            String time =
                    Long.toString(at.toEpochMilli() / 1000) + "." + String.format("%03d", at.toEpochMilli() % 1000);
            String range = "&start=" + (at.getEpochSecond() - 40) + "&end=" + time + "&step=3";
            List<String> differences = new ArrayList<>();
            int answered = 0;
            for (String template : QUERIES) {
                String query = template.replace("%s", job);
                String encoded = URLEncoder.encode(query, StandardCharsets.UTF_8);
                for (String form :
                        List.of("query?query=" + encoded + "&time=" + time, "query_range?query=" + encoded + range)) {
                    QueryAnswers theirs = QueryAnswers.read(get(prometheus.uri("/api/v1/" + form)));
                    QueryAnswers ours = QueryAnswers.read(get(server.uri("/prometheus/api/v1/" + form)));
                    ours.differencesFrom(theirs)
                            .forEach(difference -> differences.add(
                                    query + " [" + form.substring(0, form.indexOf('?')) + "] " + difference));
                    answered += theirs.series().isEmpty() ? 0 : 1;
                }
            }
            assertThat(differences)
                    .as("our answers where they differ from Prometheus'")
                    .isEmpty();
            assertThat(answered)
                    .as("queries with answers to compare, of %d", 2 * QUERIES.size())
                    .isGreaterThanOrEqualTo(2 * QUERIES.size() - 4);

            for (String expr : dashboardQueries()) {
                String query = URLEncoder.encode(expr.replace("$host", ".*"), StandardCharsets.UTF_8);
                assertThat(QueryAnswers.read(
                                        get(server.uri("/prometheus/api/v1/query?query=" + query + "&time=" + time)))
                                .series())
                        .as("the Grafana dashboard's %s", expr)
                        .isNotEmpty();
            }

            String url = server.baseUrl().replaceAll("/$", "") + "/prometheus";
            assertThat(PrometheusServer.promtool(
                            "query", "instant", url, "sum by (Hostname) (DCGM_FI_DEV_POWER_USAGE{" + job + "})"))
                    .contains("{Hostname=\"mtv5-dgx1-hgpu-031\"} =>");
            assertThat(PrometheusServer.promtool("query", "series", "--match=DCGM_FI_DEV_GPU_TEMP{" + job + "}", url)
                            .lines())
                    .hasSize(TelemetryCsv.SAMPLE_GPUS);
            assertThat(PrometheusServer.promtool("query", "labels", url, "Hostname")
                            .lines())
                    .hasSize(31);
            assertThat(PrometheusServer.promtool(
                            "query",
                            "range",
                            "--start=" + (at.getEpochSecond() - 20),
                            "--end=" + time,
                            "--step=5s",
                            url,
                            "max(DCGM_FI_DEV_GPU_TEMP{" + job + "})"))
                    .contains("{} =>");
        }
    }

    @Test
    void bodiesThatAreNoRemoteWriteRequestAreRefusedSayingWhyAndNothingIsStored() throws Exception {
        QueueProgress.awaitCollectorsCaughtUp(server);
        long before = storedCount(Instant.EPOCH, Instant.now().plusSeconds(3600));
        // One series with a label whose name is empty, written by hand: protobuf fields, then snappy's literal form.
        byte[] protobuf = {0x0A, 0x07, 0x0A, 0x05, 0x0A, 0x00, 0x12, 0x01, 'x'};
        byte[] namelessLabel = new byte[2 + protobuf.length];
        namelessLabel[0] = (byte) protobuf.length;
        namelessLabel[1] = (byte) ((protobuf.length - 1) << 2);
        System.arraycopy(protobuf, 0, namelessLabel, 2, protobuf.length);

        assertRefused(write("not snappy at all".getBytes(), "snappy", TOKEN), 400, "not snappy-compressed");
        assertRefused(write(namelessLabel, "snappy", TOKEN), 400, "series 0 has a label named ''");
        assertRefused(write(new byte[50 * 1024 * 1024], "snappy", TOKEN), 413, "at most 16777216 bytes");
        assertRefused(write(namelessLabel, "gzip", TOKEN), 415, "snappy");
        assertRefused(write(namelessLabel, "snappy", null), 401, "ingest token");
        assertRefused(write(namelessLabel, "snappy", "guess"), 401, "not one of the server's tokens");

        assertThat(storedCount(Instant.EPOCH, Instant.now().plusSeconds(3600))).isEqualTo(before);
        assertThat(ServerMetrics.scrape(server).value("remote_write_invalid_total"))
                .as("the two bodies refused as no remote-write request")
                .isGreaterThanOrEqualTo(2);
    }

    /** The queries of the Grafana dashboard in {@code server-config/grafana}. */
    @SuppressWarnings("unchecked")
    private static List<String> dashboardQueries() throws Exception {
        Map<String, Object> dashboard =
                Http.fromJson(Files.readString(Path.of(Launch.required("grafana.dashboard"))), Map.class);
        List<String> queries = new ArrayList<>();
        for (Map<String, Object> panel : (List<Map<String, Object>>) dashboard.get("panels")) {
            for (Map<String, Object> target : (List<Map<String, Object>>) panel.get("targets")) {
                queries.add((String) target.get("expr"));
            }
        }
        assertThat(queries).as("the dashboard's panels' queries").hasSizeGreaterThanOrEqualTo(8);
        return queries;
    }

    private static String get(URI uri) throws Exception {
        var response = Http.send(
                HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).build());
        assertThat(response.statusCode()).as("%s: %s", uri, response.body()).isEqualTo(200);
        return response.body();
    }

    private static long queriedCount(Instant until) throws SQLException {
        try (Connection connection = connect();
                PreparedStatement count = connection.prepareStatement(
                        "SELECT COUNT(*) FROM telemetry_point p JOIN telemetry_series s ON s.id = p.series_id"
                                + " WHERE p.time_us <= ? AND s.gpu_uuid LIKE '" + QUERIED + "%'")) {
            count.setLong(1, until.toEpochMilli() * 1000);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static HttpResponse<String> write(byte[] body, String encoding, String token) throws Exception {
        var request = HttpRequest.newBuilder(server.uri("/prometheus/api/v1/write"))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .header("Content-Type", "application/x-protobuf")
                .header("Content-Encoding", encoding)
                .header("X-Prometheus-Remote-Write-Version", "0.1.0");
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return Http.send(request.build());
    }

    private static void assertRefused(HttpResponse<String> response, int status, String why) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        assertThat(response.body()).contains(why);
    }

    /** Scraping the exporter, and the application's own metrics too, for Prometheus to read them as it would. */
    private static String configuration(String target, String receiver) {
        URI metrics = server.uri(ServerMetrics.PATH);
        return configuration(
                "dcgm",
                "1s",
                target,
                receiver,
                """
                  - job_name: gpu-telemetry
                    metrics_path: %s
                    static_configs:
                      - targets: ['%s:%d']
                """
                        .formatted(metrics.getPath(), metrics.getHost(), metrics.getPort()));
    }

    private static String configuration(String job, String interval, String target, String receiver) {
        return configuration(job, interval, target, receiver, "");
    }

    private static String configuration(String job, String interval, String target, String receiver, String otherJobs) {
        return """
                global:
                  scrape_interval: %s
                  scrape_timeout: %s
                scrape_configs:
                  - job_name: %s
                    static_configs:
                      - targets: ['%s']
                %sremote_write:
                  - url: %s/prometheus/api/v1/write
                    authorization:
                      credentials: %s
                    queue_config:
                      batch_send_deadline: 1s
                      min_backoff: 100ms
                      max_backoff: 1s
                """
                .formatted(interval, interval, job, target, otherJobs, receiver.replaceAll("/$", ""), TOKEN);
    }

    /** Every DCGM sample Prometheus holds up to {@code until}, as "uuid metric micros value", with its count. */
    private static Map<String, Long> scraped(PrometheusServer prometheus, Instant until) throws Exception {
        return scraped(prometheus, "{__name__=~\"DCGM_.+\"}", until);
    }

    private static Map<String, Long> scraped(PrometheusServer prometheus, String selector, Instant until)
            throws Exception {
        var result = prometheus.query(selector + "[10m]", until);
        assertThat(result.data().resultType()).isEqualTo("matrix");
        Map<String, Long> samples = new TreeMap<>();
        for (var series : result.data().result()) {
            for (List<Object> value : series.values()) {
                long micros = new BigDecimal(value.get(0).toString())
                        .movePointRight(6)
                        .longValueExact();
                samples.merge(
                        key(series.metric().get("UUID"), series.metric().get("__name__"), micros, value.get(1)),
                        1L,
                        Long::sum);
            }
        }
        return samples;
    }

    /** The first 20 samples stored other than scraped: "uuid metric micros value: scraped n, stored m". */
    private static List<String> differences(Map<String, Long> scraped, Map<String, Long> stored) {
        var keys = new TreeSet<>(scraped.keySet());
        keys.addAll(stored.keySet());
        return keys.stream()
                .filter(key -> !scraped.getOrDefault(key, 0L).equals(stored.getOrDefault(key, 0L)))
                .limit(20)
                .map(key ->
                        key + ": scraped " + scraped.getOrDefault(key, 0L) + ", stored " + stored.getOrDefault(key, 0L))
                .toList();
    }

    private static long total(Map<String, Long> samples) {
        return samples.values().stream().mapToLong(Long::longValue).sum();
    }

    private static String key(String uuid, String metric, long micros, Object value) {
        return uuid + " " + metric + " " + micros + " " + Double.parseDouble(value.toString());
    }

    /** {@code columns} of the points stored from {@code since} to {@code until}, but the query test's GPUs'. */
    private static PreparedStatement window(Connection connection, String columns, Instant since, Instant until)
            throws SQLException {
        PreparedStatement statement = connection.prepareStatement("SELECT " + columns
                + " FROM telemetry_point p JOIN telemetry_series s ON s.id = p.series_id"
                + " WHERE p.time_us >= ? AND p.time_us <= ? AND s.gpu_uuid NOT LIKE '" + QUERIED + "%'");
        statement.setLong(1, since.toEpochMilli() * 1000);
        statement.setLong(2, until.toEpochMilli() * 1000);
        return statement;
    }

    private static long storedCount(Instant since, Instant until) throws SQLException {
        try (Connection connection = connect();
                PreparedStatement count = window(connection, "COUNT(*)", since, until)) {
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Map<String, Long> stored(Instant since, Instant until) throws SQLException {
        Map<String, Long> stored = new TreeMap<>();
        try (Connection connection = connect();
                PreparedStatement points =
                        window(connection, "s.gpu_uuid, s.metric, p.time_us, p.metric_value", since, until)) {
            try (ResultSet rs = points.executeQuery()) {
                while (rs.next()) {
                    stored.merge(key(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getDouble(4)), 1L, Long::sum);
                }
            }
        }
        return stored;
    }

    private static Map<String, String> gpuLabels() throws SQLException {
        Map<String, String> labels = new TreeMap<>();
        try (Connection connection = connect();
                Statement statement = connection.createStatement();
                ResultSet rs =
                        statement.executeQuery("SELECT uuid, labels FROM gpu WHERE uuid NOT LIKE '" + QUERIED + "%'")) {
            while (rs.next()) {
                labels.put(rs.getString(1), rs.getString(2));
            }
        }
        return labels;
    }

    /** Each GPU's labels as the exporter writes them, with the job and instance Prometheus adds, by name. */
    private static Map<String, String> expectedGpuLabels(String instance) {
        Map<String, String> expected = new TreeMap<>();
        FakeDcgmExporter.sampleLabels().forEach((key, labels) -> {
            Map<String, String> all = new TreeMap<>(labels);
            all.put("job", "dcgm");
            all.put("instance", instance);
            expected.put(
                    key.substring(0, key.indexOf(' ')),
                    all.entrySet().stream()
                            .map(label -> label.getKey() + "=\"" + label.getValue() + "\"")
                            .collect(Collectors.joining(",")));
        });
        return expected;
    }

    private static Connection connect() throws SQLException {
        return DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "postgres");
    }
}
