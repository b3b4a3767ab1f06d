package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.graphql.client.Response;
import io.smallrye.graphql.client.dynamic.api.DynamicGraphQLClient;
import io.smallrye.graphql.client.dynamic.api.DynamicGraphQLClientBuilder;
import io.smallrye.graphql.client.vertx.dynamic.VertxDynamicGraphQLClientBuilder;
import io.smallrye.graphql.client.websocket.WebsocketSubprotocol;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * GraphQL as a client sees it, through SmallRye's dynamic client (HTTP, and graphql-transport-ws for subscriptions):
 * the checks the packaged server and every application server pass alike.
 */
final class GraphQLChecks {

    private static final String TEMPERATURE = "DCGM_FI_DEV_GPU_TEMP";
    /** The sample's first GPU: the warm-up points are its. */
    static final String SAMPLE_GPU = "GPU-5fd4f087-86f3-7a43-b711-4771313afc50";

    private GraphQLChecks() {}

    /** A client of the server's /graphql, with a token (header and connection_init payload) when not null. */
    static DynamicGraphQLClient client(RunningServer server, String token) {
        var builder = (VertxDynamicGraphQLClientBuilder) DynamicGraphQLClientBuilder.newBuilder();
        builder.url(server.uri("/graphql").toString()).subprotocols(WebsocketSubprotocol.GRAPHQL_TRANSPORT_WS);
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
            builder.initPayload(Map.of("Authorization", "Bearer " + token));
        }
        return builder.build();
    }

    /**
     * Every query answers as the REST API does on the data the server holds, each list paged to its end with its
     * cursors: the GPUs (100 at a time), alone and with their latest values; one GPU's detail, labels, latest values,
     * points (3 at a time) and hourly summary; the hosts (10 at a time); the metrics; the queue's topics and groups.
     */
    static void assertEveryQueryAnswersAsTheRestApi(RunningServer server, String uuid) throws Exception {
        try (DynamicGraphQLClient client = client(server, server.readToken())) {
            assertPagedAlike(
                    server,
                    client,
                    "/api/v1/gpus?limit=100",
                    "query page($after: String) { gpus(first: 100, after: $after) { edges { node { uuid hostname "
                            + "gpuIndex device model firstSeen lastSeen } } pageInfo { hasNextPage endCursor } } }",
                    Map.of(),
                    data -> data.getJsonObject("gpus"));
            assertPagedAlike(
                    server,
                    client,
                    "/api/v1/telemetry/latest?limit=100",
                    "query page($after: String) { gpus(first: 100, after: $after) { edges { node { uuid "
                            + "latest { metric unit timestamp value } } } pageInfo { hasNextPage endCursor } } }",
                    Map.of(),
                    data -> data.getJsonObject("gpus"));

            JsonObject detail = Http.getJson(server, "/api/v1/gpus/" + uuid, JsonObject.class);
            JsonObject gpu = data(
                            client,
                            "query gpu($uuid: String!) { gpu(uuid: $uuid) { uuid hostname gpuIndex device model "
                                    + "firstSeen lastSeen driverVersion labels { name value } "
                                    + "latest { metric unit timestamp value } } }",
                            Map.of("uuid", uuid))
                    .getJsonObject("gpu");
            for (String field : List.of("uuid", "hostname", "gpuIndex", "device", "model", "firstSeen", "lastSeen")) {
                assertThat(gpu.get(field)).as(field).isEqualTo(detail.get(field));
            }
            assertThat(gpu.get("driverVersion")).isEqualTo(detail.get("driverVersion"));
            assertThat(gpu.getJsonArray("labels").stream()
                            .map(label -> label.asJsonObject().getString("name") + "="
                                    + label.asJsonObject().getString("value"))
                            .toList())
                    .isNotEmpty()
                    .isEqualTo(detail.getJsonObject("labels").entrySet().stream()
                            .map(label -> label.getKey() + "=" + ((JsonString) label.getValue()).getString())
                            .toList());
            assertThat(gpu.getJsonArray("latest")).isNotEmpty().isEqualTo(detail.getJsonArray("latest"));

            String from = detail.getString("firstSeen");
            String to =
                    Instant.parse(detail.getString("lastSeen")).plusSeconds(1).toString();
            assertPagedAlike(
                    server,
                    client,
                    "/api/v1/gpus/" + uuid + "/telemetry?limit=3&start_time=" + from + "&end_time=" + to,
                    "query points($uuid: String!, $from: String, $to: String, $after: String) { gpu(uuid: $uuid) { "
                            + "telemetry(from: $from, to: $to, first: 3, after: $after) { edges { node { timestamp "
                            + "metric value } } pageInfo { hasNextPage endCursor } } } }",
                    Map.of("uuid", uuid, "from", from, "to", to),
                    data -> data.getJsonObject("gpu").getJsonObject("telemetry"));
            String hour = Instant.parse(from).truncatedTo(ChronoUnit.HOURS).toString();
            String nextHour = Instant.parse(to)
                    .truncatedTo(ChronoUnit.HOURS)
                    .plus(1, ChronoUnit.HOURS)
                    .toString();
            JsonArray restBuckets = Http.getJson(
                            server,
                            "/api/v1/gpus/" + uuid + "/telemetry/summary?metric=" + TEMPERATURE + "&step=1h"
                                    + "&start_time=" + hour + "&end_time=" + nextHour,
                            JsonObject.class)
                    .getJsonArray("items");
            JsonArray graphBuckets = data(
                            client,
                            "query summary($uuid: String!, $metric: String!, $from: String, $to: String) { "
                                    + "gpu(uuid: $uuid) { summary(metric: $metric, step: \"1h\", from: $from, to: $to) "
                                    + "{ metric start min max avg count } } }",
                            Map.of("uuid", uuid, "metric", TEMPERATURE, "from", hour, "to", nextHour))
                    .getJsonObject("gpu")
                    .getJsonArray("summary");
            assertThat(graphBuckets).isNotEmpty().isEqualTo(restBuckets);

            assertPagedAlike(
                    server,
                    client,
                    "/api/v1/hosts?limit=10",
                    "query hosts($after: String) { hosts(first: 10, after: $after) { edges { node { hostname gpus } } "
                            + "pageInfo { hasNextPage endCursor } } }",
                    Map.of(),
                    data -> data.getJsonObject("hosts"));
            assertThat(data(client, "{ metrics { name unit } }", Map.of()).getJsonArray("metrics"))
                    .isNotEmpty()
                    .isEqualTo(Http.getJson(server, "/api/v1/telemetry-metrics", JsonObject.class)
                            .getJsonArray("items"));
            JsonObject queue = data(client, "{ queue { topics { name partitions } groups { name topic } } }", Map.of())
                    .getJsonObject("queue");
            assertThat(names(queue.getJsonArray("topics"), "name", "partitions"))
                    .isNotEmpty()
                    .isEqualTo(names(
                            Http.getJson(server, "/api/v1/queue/topics", JsonObject.class)
                                    .getJsonArray("items"),
                            "topic",
                            "partitionCount"));
            assertThat(names(queue.getJsonArray("groups"), "name", "topic"))
                    .isNotEmpty()
                    .isEqualTo(names(
                            Http.getJson(server, "/api/v1/queue/groups", JsonObject.class)
                                    .getJsonArray("items"),
                            "group",
                            "topic"));
        }
    }

    /**
     * Refusals in GraphQL's shape, with the REST API's problem in each error's extensions: an unknown GPU (404), bad
     * arguments (400, naming them). Then queries meant to hurt: each is refused with errors and no data, the limit it
     * passed named where it has one, in a bounded answer without a Java class name; the server answers a plain query
     * afterwards.
     *
     * @return each hostile query's answer, shortened, for the record
     */
    static List<String> assertRefusalsAndAHostileCorpus(RunningServer server, String uuid) throws Exception {
        List<String> answers = new ArrayList<>();
        try (DynamicGraphQLClient client = client(server, server.readToken())) {
            assertProblem(client, "{ gpu(uuid: \"GPU-no-such-gpu\") { uuid } }", 404, null);
            assertProblem(client, "{ gpus(first: 0) { edges { cursor } } }", 400, "first");
            assertProblem(client, "{ gpus(after: \"garbage\") { edges { cursor } } }", 400, "after");
            String gpu = "{ gpu(uuid: \"" + uuid + "\") { ";
            assertProblem(client, gpu + "telemetry(from: \"yesterday\") { edges { cursor } } } }", 400, "from");
            assertProblem(client, gpu + "latest(metrics: [\"NO_SUCH_METRIC\"]) { value } } }", 400, "metrics");
            assertProblem(
                    client,
                    gpu + "summary(metric: \"" + TEMPERATURE + "\", step: \"sideways\") { count } } }",
                    400,
                    "step");

            String deep = "name";
            for (int level = 0; level < 12; level++) {
                deep = "fields { type { " + deep + " } }";
            }
            record Hostile(String name, String query, String limit) {}
            List<Hostile> corpus = List.of(
                    new Hostile("nesting 26 deep", "{ __schema { types { " + deep + " } } }", "GRAPHQL_MAX_DEPTH"),
                    new Hostile(
                            "1,000 aliases",
                            "{ "
                                    + IntStream.range(0, 1000)
                                            .mapToObj(i -> "a" + i + ": metrics { name }")
                                            .collect(Collectors.joining(" "))
                                    + " }",
                            "GRAPHQL_MAX_ALIASES"),
                    new Hostile(
                            "fragments in a cycle",
                            "{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
                            "Fragment cycles not allowed"),
                    new Hostile(
                            "a huge first",
                            "{ gpus(first: 2147483647) { edges { node { uuid } } } }",
                            "GRAPHQL_MAX_COST"),
                    new Hostile(
                            "a page of pages",
                            "{ gpus(first: 1000) { edges { node { telemetry(first: 10000) { edges { cursor } } } } } }",
                            "GRAPHQL_MAX_COST"),
                    new Hostile("a negative first", "{ gpus(first: -1) { edges { cursor } } }", "first"),
                    new Hostile("40,000 tokens", "{ metrics { " + "name ".repeat(40_000) + "} }", null),
                    new Hostile("an unknown field", "{ gpus { edges { node { password } } } }", "password"),
                    new Hostile("a syntax error", "{ gpus(first: ) {", null),
                    new Hostile("a subscription by HTTP", "subscription { fleet { uuid } }", "WebSocket"));
            for (Hostile hostile : corpus) {
                Response response = client.executeSync(hostile.query());
                String errors = String.valueOf(response.getErrors());
                answers.add("GraphQL " + hostile.name() + " -> "
                        + (errors.length() > 200 ? errors.substring(0, 200) + "..." : errors));
                assertThat(response.getErrors()).as(hostile.name()).isNotEmpty();
                assertThat(response.hasData()
                                && response.getData().values().stream().anyMatch(value -> value != JsonValue.NULL))
                        .as(hostile.name() + ": nothing ran")
                        .isFalse();
                assertThat(errors).as(hostile.name()).hasSizeLessThan(100_000).doesNotContain("Exception:", "at com.");
                if (hostile.limit() != null) {
                    assertThat(errors).as(hostile.name()).contains(hostile.limit());
                }
            }
            assertThat(client.executeSync("{ metrics { name } }").getErrors()).isNullOrEmpty();
        }
        return answers;
    }

    private static void assertProblem(DynamicGraphQLClient client, String query, int status, String argument)
            throws Exception {
        Response response = client.executeSync(query);
        assertThat(response.getErrors()).as(query).singleElement().satisfies(error -> {
            assertThat(error.getExtensions())
                    .containsEntry("status", (long) status)
                    .containsEntry("type", "about:blank")
                    .containsKey("title");
            assertThat(error.getExtensions().get("parameter")).as(query).isEqualTo(argument);
            assertThat(error.getMessage()).isNotBlank().doesNotContain("Exception", "SELECT");
        });
    }

    /**
     * A REST list and a GraphQL connection, each paged to its end: the same items (each node as the REST item holds
     * its fields) in the same order, and each endCursor is REST's nextCursor.
     */
    private static void assertPagedAlike(
            RunningServer server,
            DynamicGraphQLClient client,
            String restPath,
            String query,
            Map<String, Object> variables,
            Function<JsonObject, JsonObject> connection)
            throws Exception {
        List<JsonObject> rest = new ArrayList<>();
        List<String> restCursors = new ArrayList<>();
        String cursor = null;
        do {
            JsonObject page = Http.getJson(
                    server,
                    restPath + (cursor == null ? "" : "&cursor=" + URLEncoder.encode(cursor, StandardCharsets.UTF_8)),
                    JsonObject.class);
            page.getJsonArray("items").forEach(item -> rest.add(item.asJsonObject()));
            cursor = page.getOrDefault("nextCursor", JsonValue.NULL) == JsonValue.NULL
                    ? null
                    : page.getString("nextCursor");
            restCursors.add(cursor);
        } while (cursor != null);
        List<JsonObject> graph = new ArrayList<>();
        List<String> graphCursors = new ArrayList<>();
        String after = null;
        boolean more;
        do {
            Map<String, Object> page = new HashMap<>(variables);
            if (after != null) {
                page.put("after", after);
            }
            JsonObject found = connection.apply(data(client, query, page));
            found.getJsonArray("edges")
                    .forEach(edge -> graph.add(edge.asJsonObject().getJsonObject("node")));
            JsonObject pageInfo = found.getJsonObject("pageInfo");
            more = pageInfo.getBoolean("hasNextPage");
            after = more ? pageInfo.getString("endCursor") : null;
            graphCursors.add(after);
        } while (more);
        assertThat(restCursors).as("%s: more than one page", restPath).hasSizeGreaterThan(1);
        assertThat(graph).as(query).hasSameSizeAs(rest);
        for (int i = 0; i < graph.size(); i++) {
            JsonObject node = graph.get(i);
            JsonObject item = rest.get(i);
            assertThat(node)
                    .as("%s: item %s", restPath, i)
                    .isEqualTo(node.keySet().stream()
                            .collect(
                                    Json::createObjectBuilder,
                                    (built, key) -> built.add(key, item.getOrDefault(key, JsonValue.NULL)),
                                    (a, b) -> {})
                            .build());
        }
        assertThat(graphCursors)
                .as("%s: endCursor is REST's nextCursor", restPath)
                .isEqualTo(restCursors);
    }

    private static List<String> names(JsonArray items, String name, String detail) {
        return items.stream()
                .map(item -> item.asJsonObject().getString(name) + "/"
                        + item.asJsonObject().get(detail))
                .toList();
    }

    private static JsonObject data(DynamicGraphQLClient client, String query, Map<String, Object> variables)
            throws Exception {
        Response response = client.executeSync(query, variables);
        assertThat(response.getErrors()).as(query).isNullOrEmpty();
        return response.getData();
    }

    /**
     * Subscribes to the fleet's points and to one GPU's ({@code telemetry(uuid)}, the sample's first GPU), waits until
     * both have joined (a warm-up point of that GPU, sent with {@code ingestToken}, has reached them), runs the
     * streamer, and checks that every row it had acknowledged was pushed to the fleet once, each GPU's in order, within
     * 2 s of its time (the streamer stamps a row with the time it processes it), and that the GPU's subscription got
     * that GPU's rows, the same in the same order. A warm-up point is the sample's first row, as the streamer sends it,
     * stamped before the streamer starts.
     *
     * @param streamer runs a streamer to its end and answers the rows it had acknowledged
     * @return the warm-up rows sent (and acknowledged), for a test that counts every row stored
     */
    static long assertTheFleetSubscriptionGetsEveryPointOfAStreamer(
            RunningServer server, String ingestToken, Callable<Long> streamer) throws Exception {
        BlockingQueue<Pushed> fleet = new LinkedBlockingQueue<>();
        BlockingQueue<Pushed> gpu = new LinkedBlockingQueue<>();
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        try (DynamicGraphQLClient client = client(server, server.readToken())) {
            Cancellable fleetSubscription = client.subscription(
                            "subscription { fleet { uuid hostname metric timestamp value } }")
                    .subscribe()
                    .with(response -> fleet.add(Pushed.of(response, "fleet")), failure::complete);
            Cancellable gpuSubscription = client.subscription("subscription { telemetry(uuid: \"" + SAMPLE_GPU
                            + "\") { uuid hostname metric timestamp value } }")
                    .subscribe()
                    .with(response -> gpu.add(Pushed.of(response, "telemetry")), failure::complete);
            long warmUps = 0;
            long deadline = System.currentTimeMillis() + 60_000;
            while ((fleet.isEmpty() || gpu.isEmpty()) && !failure.isDone() && System.currentTimeMillis() < deadline) {
                warmUp(server, ingestToken);
                warmUps++;
                Thread.sleep(500);
            }
            assertThat(failure).as("the subscriptions").isNotDone();
            assertThat(fleet)
                    .as("a warm-up point pushed: the fleet's subscription has joined")
                    .isNotEmpty();
            assertThat(gpu)
                    .as("a warm-up point pushed: the GPU's subscription has joined")
                    .isNotEmpty();

            Instant streamerStarted = Instant.now();
            long acknowledged = streamer.call();
            List<Pushed> points = take(fleet, acknowledged, streamerStarted);
            assertThat(points).as("points pushed").hasSize((int) acknowledged);
            assertThat(points.stream().map(Pushed::key).distinct())
                    .as("each once")
                    .hasSize((int) acknowledged);
            Map<String, Instant> newest = new HashMap<>();
            for (Pushed point : points) {
                Instant time = Instant.parse(point.data().getString("timestamp"));
                Instant before = newest.put(point.data().getString("uuid"), time);
                assertThat(before == null || !time.isBefore(before))
                        .as("%s's points in order", point.data().getString("uuid"))
                        .isTrue();
                assertThat(Duration.between(time, point.at()))
                        .as("pushed within 2 s of its time: %s", point.data())
                        .isLessThan(Duration.ofSeconds(2));
            }
            List<String> gpuRows = points.stream()
                    .filter(point -> point.data().getString("uuid").equals(SAMPLE_GPU))
                    .map(Pushed::key)
                    .toList();
            assertThat(take(gpu, gpuRows.size(), streamerStarted).stream().map(Pushed::key))
                    .as("the GPU's subscription: its rows, in order")
                    .isNotEmpty()
                    .isEqualTo(gpuRows);
            fleetSubscription.cancel();
            gpuSubscription.cancel();
            return warmUps;
        }
    }

    /** The next points stamped from {@code since} on, until there are {@code count} or for at most 60 s. */
    private static List<Pushed> take(BlockingQueue<Pushed> pushed, long count, Instant since)
            throws InterruptedException {
        List<Pushed> points = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 60_000;
        while (points.size() < count && System.currentTimeMillis() < deadline) {
            Pushed point = pushed.poll(100, TimeUnit.MILLISECONDS);
            if (point != null
                    && !Instant.parse(point.data().getString("timestamp")).isBefore(since)) {
                points.add(point);
            }
        }
        return points;
    }

    private static void warmUp(RunningServer server, String ingestToken) throws Exception {
        var request = HttpRequest.newBuilder(server.uri("/api/v1/ingest"))
                .header("Content-Type", "text/csv")
                .header("Producer-Id", "graphql-warm-up-" + UUID.randomUUID())
                .header("Producer-Sequence", "0")
                .POST(HttpRequest.BodyPublishers.ofString(TelemetryCsv.HEADER + "\n" + Instant.now()
                        + ",DCGM_FI_DEV_GPU_UTIL,0,nvidia0," + SAMPLE_GPU + ","
                        + "NVIDIA H100 80GB HBM3,mtv5-dgx1-hgpu-031,0\n"));
        if (ingestToken != null) {
            request.header("Authorization", "Bearer " + ingestToken);
        }
        var response = Http.send(request.build());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }

    /**
     * With a read token required: a query without a token, or with an ingest token, is refused over HTTP, and a
     * WebSocket whose connection_init has none runs nothing; with the read token both work.
     */
    static void assertReadTokensGuardGraphQL(RunningServer server, String readToken, String ingestToken)
            throws Exception {
        String query = "{ metrics { name } }";
        try (DynamicGraphQLClient anonymous = client(server, null)) {
            assertThat(anonymous.executeAsync(query).subscribeAsCompletionStage())
                    .as("a query without a token")
                    .failsWithin(Duration.ofSeconds(30))
                    .withThrowableThat()
                    .withMessageContaining("401");
            assertThat(anonymous
                            .subscription("subscription { fleet { uuid } }")
                            .toUni()
                            .subscribeAsCompletionStage())
                    .as("a subscription whose connection_init has no token")
                    .failsWithin(Duration.ofSeconds(30));
        }
        try (DynamicGraphQLClient ingest = client(server, ingestToken)) {
            assertThat(ingest.executeAsync(query).subscribeAsCompletionStage())
                    .as("a query with an ingest token")
                    .failsWithin(Duration.ofSeconds(30))
                    .withThrowableThat()
                    .withMessageContaining("403");
        }
        try (DynamicGraphQLClient reader = client(server, readToken)) {
            assertThat(reader.executeSync(query).getErrors()).isNullOrEmpty();
        }
    }

    private record Pushed(JsonObject data, Instant at) {

        static Pushed of(Response response, String field) {
            return new Pushed(response.getData().getJsonObject(field), Instant.now());
        }

        String key() {
            return data.getString("uuid") + " " + data.getString("metric") + " " + data.getString("timestamp");
        }
    }
}
