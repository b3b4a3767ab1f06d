package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.graphql.client.Response;
import io.smallrye.graphql.client.dynamic.api.DynamicGraphQLClient;
import io.smallrye.graphql.client.dynamic.api.DynamicGraphQLClientBuilder;
import io.smallrye.graphql.client.vertx.dynamic.VertxDynamicGraphQLClientBuilder;
import io.smallrye.graphql.client.websocket.WebsocketSubprotocol;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.json.JsonObject;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.time.Instant;
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

/**
 * GraphQL as a client sees it, through SmallRye's dynamic client (HTTP, and graphql-transport-ws for subscriptions):
 * the checks the packaged server and every application server pass alike.
 */
final class GraphQLChecks {

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

    /** The GPU list, paged to its end 100 GPUs at a time, is the REST API's, GPU for GPU and in order. */
    static void assertGpusAsTheRestApiListsThem(RunningServer server) throws Exception {
        List<String> rest = new ArrayList<>();
        String cursor = null;
        do {
            JsonObject page = Http.getJson(
                    server, "/api/v1/gpus?limit=100" + (cursor == null ? "" : "&cursor=" + cursor), JsonObject.class);
            page.getJsonArray("items")
                    .forEach(item -> rest.add(item.asJsonObject().getString("uuid")));
            cursor = page.isNull("nextCursor") ? null : page.getString("nextCursor");
        } while (cursor != null);
        List<String> graph = new ArrayList<>();
        try (DynamicGraphQLClient client = client(server, server.readToken())) {
            String after = null;
            boolean more;
            do {
                Map<String, Object> variables = new HashMap<>();
                if (after != null) {
                    variables.put("after", after);
                }
                Response response = client.executeSync(
                        "query page($after: String) { gpus(first: 100, after: $after) { edges { node { uuid } } "
                                + "pageInfo { hasNextPage endCursor } } }",
                        variables);
                assertThat(response.getErrors()).isNullOrEmpty();
                JsonObject gpus = response.getData().getJsonObject("gpus");
                gpus.getJsonArray("edges")
                        .forEach(edge -> graph.add(
                                edge.asJsonObject().getJsonObject("node").getString("uuid")));
                more = gpus.getJsonObject("pageInfo").getBoolean("hasNextPage");
                after = more ? gpus.getJsonObject("pageInfo").getString("endCursor") : null;
            } while (more);
        }
        assertThat(graph).isNotEmpty().isEqualTo(rest);
    }

    /**
     * Subscribes to the fleet's points, waits until the subscription has joined (a warm-up point, sent with {@code
     * ingestToken}, has reached it), runs the streamer, and checks that every row it had acknowledged was pushed once,
     * each GPU's in order, within 2 s of its time (the streamer stamps a row with the time it processes it). A warm-up
     * point is the sample's first row, as the streamer sends it, stamped before the streamer starts.
     *
     * @param streamer runs a streamer to its end and answers the rows it had acknowledged
     * @return the warm-up rows sent (and acknowledged), for a test that counts every row stored
     */
    static long assertTheFleetSubscriptionGetsEveryPointOfAStreamer(
            RunningServer server, String ingestToken, Callable<Long> streamer) throws Exception {
        BlockingQueue<Pushed> pushed = new LinkedBlockingQueue<>();
        CompletableFuture<Throwable> failure = new CompletableFuture<>();
        try (DynamicGraphQLClient client = client(server, server.readToken())) {
            Cancellable subscription = client.subscription(
                            "subscription { fleet { uuid hostname metric timestamp value } }")
                    .subscribe()
                    .with(
                            response ->
                                    pushed.add(new Pushed(response.getData().getJsonObject("fleet"), Instant.now())),
                            failure::complete);
            long warmUps = 0;
            long deadline = System.currentTimeMillis() + 60_000;
            while (pushed.isEmpty() && !failure.isDone() && System.currentTimeMillis() < deadline) {
                warmUp(server, ingestToken);
                warmUps++;
                Thread.sleep(500);
            }
            assertThat(failure).as("the subscription").isNotDone();
            assertThat(pushed)
                    .as("a warm-up point pushed: the subscription has joined")
                    .isNotEmpty();

            Instant streamerStarted = Instant.now();
            long acknowledged = streamer.call();
            List<Pushed> points = new ArrayList<>();
            deadline = System.currentTimeMillis() + 60_000;
            while (points.size() < acknowledged && System.currentTimeMillis() < deadline) {
                Pushed point = pushed.poll(100, TimeUnit.MILLISECONDS);
                if (point != null
                        && !Instant.parse(point.data().getString("timestamp")).isBefore(streamerStarted)) {
                    points.add(point);
                }
            }
            subscription.cancel();
            assertThat(points).as("points pushed").hasSize((int) acknowledged);
            assertThat(points.stream()
                            .map(point -> point.data().getString("uuid") + " "
                                    + point.data().getString("metric") + " "
                                    + point.data().getString("timestamp"))
                            .distinct())
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
            return warmUps;
        }
    }

    private static void warmUp(RunningServer server, String ingestToken) throws Exception {
        var request = HttpRequest.newBuilder(server.uri("/api/v1/ingest"))
                .header("Content-Type", "text/csv")
                .header("Producer-Id", "graphql-warm-up-" + UUID.randomUUID())
                .header("Producer-Sequence", "0")
                .POST(HttpRequest.BodyPublishers.ofString(TelemetryCsv.HEADER + "\n" + Instant.now()
                        + ",DCGM_FI_DEV_GPU_UTIL,0,nvidia0,GPU-5fd4f087-86f3-7a43-b711-4771313afc50,"
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

    private record Pushed(JsonObject data, Instant at) {}
}
