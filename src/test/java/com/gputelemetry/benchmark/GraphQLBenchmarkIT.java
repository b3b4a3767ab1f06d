package com.gputelemetry.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.gputelemetry.system.Http;
import com.gputelemetry.system.PackagedServer;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Not a test: a dashboard's typical GraphQL query against its REST equivalent on the packaged server, over the same
 * HTTP client, one request at a time. The query is the fleet table's: the first 20 GPUs with the latest value of each
 * metric. The sample (247 GPUs × 10 metrics) is sent 20 times through the ingest endpoint into an embedded
 * PostgreSQL first; both answers are checked to agree before the measurements, and each answer is checked in them.
 * Requests alternate between the two, so that a slower minute of a shared machine weighs on both alike. Run with
 * {@code ./mvnw -B verify -pl ear -Pgraphql-benchmark}; writes {@code ear/target/graphql-benchmark.md}.
 */
class GraphQLBenchmarkIT {

    private static final int ROUNDS = 20;
    private static final int WARM_UPS = 500;
    private static final int REQUESTS = 2_000;
    private static final String QUERY = "{ gpus(first: 20) { edges { node { uuid hostname gpuIndex model lastSeen"
            + " latest { metric unit timestamp value } } } pageInfo { hasNextPage endCursor } } }";

    @Test
    void measure() throws Exception {
        Path data = Files.createTempDirectory("graphql-benchmark");
        try (var postgres = EmbeddedPostgres.builder()
                        .setDataDirectory(data.resolve("pg"))
                        .setCleanDataDirectory(true)
                        .start();
                var server = PackagedServer.start(
                        Map.of(
                                "TELEMETRY_DB_DATASOURCE", "org.postgresql.ds.PGSimpleDataSource",
                                "TELEMETRY_DB_URL", postgres.getJdbcUrl("postgres", "postgres"),
                                "TELEMETRY_DB_USER", "postgres",
                                "TELEMETRY_DB_PASSWORD", "postgres"),
                        "graphql-benchmark",
                        List.of("-Xms512m", "-Xmx512m"))) {
            List<String> lines = Files.readAllLines(Path.of(System.getProperty("sample.csv")));
            for (int round = 0; round < ROUNDS; round++) {
                send(HttpRequest.newBuilder(server.uri("/api/v1/ingest"))
                        .header("Content-Type", "text/csv")
                        .header("Producer-Id", "graphql-benchmark")
                        .header("Producer-Sequence", Integer.toString(round))
                        .POST(HttpRequest.BodyPublishers.ofString(String.join("\n", lines) + "\n"))
                        .build());
            }
            long rows = (long) ROUNDS * (lines.size() - 1);
            awaitStored(server, rows);

            Supplier<HttpRequest> rest = () -> server.request("/api/v1/telemetry/latest?limit=20")
                    .header("Accept", "application/json")
                    .build();
            Supplier<HttpRequest> graphQL = () -> server.request("/graphql")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(Json.createObjectBuilder()
                            .add("query", QUERY)
                            .build()
                            .toString()))
                    .build();
            Supplier<HttpRequest> probe = () -> server.request("/health/live").build();
            assertThat(latestOfGraphQL(send(graphQL.get())))
                    .as("GraphQL's answer is REST's")
                    .isEqualTo(latestOfRest(send(rest.get())));

            List<Double> restMillis = new ArrayList<>();
            List<Double> graphMillis = new ArrayList<>();
            List<Double> probeMillis = new ArrayList<>();
            for (int i = 0; i < WARM_UPS + REQUESTS; i++) {
                boolean measured = i >= WARM_UPS;
                time(probe.get(), measured ? probeMillis : null, body -> assertThat(body)
                        .contains("UP"));
                time(rest.get(), measured ? restMillis : null, body -> assertThat(latestOfRest(body))
                        .hasSize(20));
                time(graphQL.get(), measured ? graphMillis : null, body -> assertThat(latestOfGraphQL(body))
                        .hasSize(20));
            }
            String report = String.format(
                    Locale.ROOT,
                    "The first 20 GPUs with the latest value of each of their 10 metrics, on PostgreSQL 17 (embedded),"
                            + " %,d rows of 247 GPUs stored; one client, %,d requests each after %d to warm up,"
                            + " alternating.%n%n| request | p50 ms | p99 ms |%n|---|---|---|%n%s%s%s",
                    rows,
                    REQUESTS,
                    WARM_UPS,
                    row("liveness probe (no database)", probeMillis),
                    row("REST `GET /api/v1/telemetry/latest?limit=20`", restMillis),
                    row("GraphQL `gpus(first: 20) { … latest { … } }` by POST", graphMillis));
            Files.writeString(Path.of("target", "graphql-benchmark.md"), report);
            System.out.println(report);
        }
    }

    private static void awaitStored(PackagedServer server, long rows) throws Exception {
        long deadline = System.currentTimeMillis() + Duration.ofMinutes(5).toMillis();
        while (true) {
            String groups = send(server.request("/api/v1/queue/groups").build());
            if (groups.contains("\"lag\":0") || System.currentTimeMillis() > deadline) {
                assertThat(groups)
                        .as("the collectors caught up with %,d rows", rows)
                        .contains("\"lag\":0");
                return;
            }
            Thread.sleep(500);
        }
    }

    /** uuid → its latest values (metric, unit, timestamp, value), from the REST answer. */
    private static Map<String, JsonArray> latestOfRest(String body) {
        var latest = new LinkedHashMap<String, JsonArray>();
        for (JsonValue item : read(body).getJsonArray("items")) {
            latest.put(
                    item.asJsonObject().getString("uuid"), item.asJsonObject().getJsonArray("latest"));
        }
        return latest;
    }

    private static Map<String, JsonArray> latestOfGraphQL(String body) {
        JsonObject answer = read(body);
        assertThat(answer.containsKey("errors")).as(body).isFalse();
        var latest = new LinkedHashMap<String, JsonArray>();
        for (JsonValue edge : answer.getJsonObject("data").getJsonObject("gpus").getJsonArray("edges")) {
            JsonObject node = edge.asJsonObject().getJsonObject("node");
            latest.put(node.getString("uuid"), node.getJsonArray("latest"));
        }
        return latest;
    }

    private static JsonObject read(String body) {
        try (var reader = Json.createReader(new StringReader(body))) {
            return reader.readObject();
        }
    }

    private static void time(HttpRequest request, List<Double> into, Consumer<String> check) throws Exception {
        long t0 = System.nanoTime();
        String body = send(request);
        double millis = (System.nanoTime() - t0) / 1e6;
        check.accept(body);
        if (into != null) {
            into.add(millis);
        }
    }

    private static String send(HttpRequest request) throws Exception {
        HttpResponse<String> response = Http.CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return response.body();
    }

    private static String row(String what, List<Double> millis) {
        double[] sorted =
                millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return String.format(
                Locale.ROOT,
                "| %s | %.1f | %.1f |%n",
                what,
                sorted[(int) Math.floor(0.50 * (sorted.length - 1))],
                sorted[(int) Math.floor(0.99 * (sorted.length - 1))]);
    }
}
