package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
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
 * Prometheus sends that request again, and the server recognises it.
 */
public class PrometheusRemoteWriteSystemIT {

    private static final String TOKEN = "remote-write-token";

    @RegisterExtension
    static final Closing CLOSING = new Closing();

    private static TestPostgres postgres;
    private static PackagedServer server;

    @BeforeAll
    static void start() throws Exception {
        postgres = CLOSING.add(TestPostgres.start());
        var environment = new HashMap<>(postgres.serverEnvironment());
        environment.put("INGEST_TOKEN", TOKEN);
        server = CLOSING.add(PackagedServer.start(Map.copyOf(environment), "remote-write"));
    }

    @Test
    void whatPrometheusScrapedIsStoredOnceAtItsTimeWithItsValueAndEveryLabel() throws Exception {
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
                    () -> storedCount(until[0]),
                    count -> count >= samples);
            assertThat(differences(scraped, stored(until[0])))
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
            assertThat(metrics.value("prometheus_write_duplicates"))
                    .as("the request whose answer was lost came again and was recognised")
                    .isGreaterThanOrEqualTo(1);
            assertThat(metrics.value("prometheus_write_samples_skipped", "reason", "not_gpu_series"))
                    .as("Prometheus' own series of the target (up, scrape_duration_seconds…) counted, not stored")
                    .isPositive();
        }
    }

    @Test
    void bodiesThatAreNoRemoteWriteRequestAreRefusedSayingWhyAndNothingIsStored() throws Exception {
        QueueProgress.awaitCollectorsCaughtUp(server);
        long before = storedCount(Instant.now().plusSeconds(3600));
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

        assertThat(storedCount(Instant.now().plusSeconds(3600))).isEqualTo(before);
        assertThat(ServerMetrics.scrape(server).value("prometheus_write_invalid"))
                .as("the two bodies refused as no remote-write request")
                .isGreaterThanOrEqualTo(2);
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

    private static String configuration(String target, String receiver) {
        return """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: dcgm
                    static_configs:
                      - targets: ['%s']
                remote_write:
                  - url: %s/prometheus/api/v1/write
                    authorization:
                      credentials: %s
                    queue_config:
                      batch_send_deadline: 1s
                      min_backoff: 100ms
                      max_backoff: 1s
                """
                .formatted(target, receiver.replaceAll("/$", ""), TOKEN);
    }

    /** Every DCGM sample Prometheus holds up to {@code until}, as "uuid metric micros value", with its count. */
    private static Map<String, Long> scraped(PrometheusServer prometheus, Instant until) throws Exception {
        var result = prometheus.query("{__name__=~\"DCGM_.+\"}[10m]", until);
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

    private static long storedCount(Instant until) throws SQLException {
        try (Connection connection = connect();
                PreparedStatement count =
                        connection.prepareStatement("SELECT COUNT(*) FROM telemetry_point WHERE time_us <= ?")) {
            count.setLong(1, until.toEpochMilli() * 1000);
            try (ResultSet rs = count.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static Map<String, Long> stored(Instant until) throws SQLException {
        Map<String, Long> stored = new TreeMap<>();
        try (Connection connection = connect();
                PreparedStatement points = connection.prepareStatement(
                        "SELECT gpu_uuid, metric, time_us, metric_value FROM telemetry_point WHERE time_us <= ?")) {
            points.setLong(1, until.toEpochMilli() * 1000);
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
                ResultSet rs = statement.executeQuery("SELECT uuid, labels FROM gpu")) {
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
