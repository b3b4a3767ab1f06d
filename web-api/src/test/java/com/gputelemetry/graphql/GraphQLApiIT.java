package com.gputelemetry.graphql;

import static org.assertj.core.api.Assertions.assertThat;

import com.gputelemetry.TelemetryCsv;
import io.smallrye.graphql.client.GraphQLError;
import io.smallrye.graphql.client.Response;
import io.smallrye.graphql.client.dynamic.api.DynamicGraphQLClient;
import io.smallrye.graphql.client.dynamic.api.DynamicGraphQLClientBuilder;
import io.smallrye.graphql.client.websocket.WebsocketSubprotocol;
import io.smallrye.mutiny.subscription.Cancellable;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.File;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * GraphQL against the real WAR in Payara Micro, through SmallRye's dynamic client (HTTP and graphql-transport-ws) and
 * plain HTTP for GET and the schema: errors carry the REST API's problem; hostile queries are refused with the limit
 * named; subscriptions get every stored point in order within 2 s, and one past {@code LIVE_MAX_SUBSCRIBERS} hears
 * why. On H2: the resolvers are the REST resources, which {@code GpuApiIT} runs on PostgreSQL too, where it also
 * counts the statements of a GraphQL page of GPUs. That every query answers as the REST API does, paged to the end,
 * the system tests check on the packaged server and on each application server ({@code GraphQLChecks}).
 */
@ExtendWith(ArquillianExtension.class)
class GraphQLApiIT {

    private static final String TEMP = "DCGM_FI_DEV_GPU_TEMP";
    private static final String POWER = "DCGM_FI_DEV_POWER_USAGE";
    /** The default: SSE streams and GraphQL subscriptions count together. */
    private static final int LIVE_MAX_SUBSCRIBERS = 100;

    private static final Instant T0 = Instant.parse("2031-01-01T00:00:00.000001Z");
    private static final HttpClient HTTP =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    @Deployment(testable = false)
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File("target/web-api.war"));
    }

    @ArquillianResource
    URL base;

    private DynamicGraphQLClient client;

    @BeforeEach
    void connect() {
        client = DynamicGraphQLClientBuilder.newBuilder()
                .url(uri("/graphql").toString())
                .build();
    }

    @AfterEach
    void close() throws Exception {
        client.close();
    }

    @Test
    void errorsCarryTheRestApisProblemInTheirExtensions() throws Exception {
        String unknown = TelemetryCsv.newGpu();
        assertError("{ gpu(uuid: \"" + unknown + "\") { uuid } }", 404, null, unknown);
        assertError("{ gpus(first: 0) { edges { cursor } } }", 400, "first", "first");
        assertError("{ gpus(after: \"garbage\") { edges { cursor } } }", 400, "after", "garbage");
        String uuid = TelemetryCsv.newGpu();
        ingestAndWait(TelemetryCsv.HEADER + TelemetryCsv.row(T0, TEMP, 0, uuid, "H100", "h", 1, ""), 1);
        String gpu = "{ gpu(uuid: \"" + uuid + "\") { ";
        assertError(gpu + "telemetry(from: \"yesterday\") { edges { cursor } } } }", 400, "from", "yesterday");
        assertError(
                gpu + "telemetry(from: \"" + T0.plusSeconds(9) + "\", to: \"" + T0 + "\") { edges { cursor } } } }",
                400,
                "to",
                null);
        assertError(gpu + "telemetry(metrics: [\"NO_SUCH_METRIC\"]) { edges { cursor } } } }", 400, "metrics", null);
        assertError(gpu + "summary(metric: \"" + TEMP + "\", step: \"sideways\") { count } } }", 400, "step", null);
        assertError(gpu + "latest(metrics: [\"NO_SUCH_METRIC\"]) { value } } }", 400, "metrics", null);
    }

    @Test
    void hostileQueriesAreRefusedWithTheLimitNamedAndTheServerAnswersOn() throws Exception {
        String deep = "name";
        for (int level = 0; level < 10; level++) {
            deep = "fields { type { " + deep + " } }";
        }
        assertLimit("{ __schema { types { " + deep + " } } }", "GRAPHQL_MAX_DEPTH");
        assertLimit(
                "{ "
                        + IntStream.range(0, 1000)
                                .mapToObj(i -> "a" + i + ": metrics { name }")
                                .collect(Collectors.joining(" "))
                        + " }",
                "GRAPHQL_MAX_ALIASES");
        assertLimit(
                "{ gpus(first: 10000) { edges { node { telemetry(first: 10000) { edges { node { value } } } } } } }",
                "GRAPHQL_MAX_COST");
        assertLimit("{ gpus(first: 1000000) { edges { cursor } } }", "GRAPHQL_MAX_COST");
        assertError("{ gpus(first: 20000) { edges { cursor } } }", 400, "first", "10000");
        Response cycle = client.executeSync("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }");
        assertThat(cycle.getErrors()).isNotEmpty().allSatisfy(error -> assertThat(error.getMessage())
                .contains("Fragment cycles not allowed"));
        Response tokens = client.executeSync("{ metrics { " + "name ".repeat(20_000) + "} }");
        assertThat(tokens.getErrors())
                .as("more than GRAPHQL_MAX_TOKENS: the parser stops, and SmallRye says only that it could not parse")
                .singleElement()
                .satisfies(error -> assertThat(error.getMessage()).isEqualTo("Unparseable input document"));
        assertThat(client.executeSync("{ metrics { " + "name ".repeat(1_000) + "} }")
                        .getErrors())
                .as("the same query under the limit")
                .isNullOrEmpty();
        assertThat(data("{ metrics { name } }").getJsonArray("metrics")).isNotNull();
    }

    @Test
    void subscriptionsGetEveryStoredPointInOrderWithinTwoSeconds() throws Exception {
        String host = TelemetryCsv.unique("gql-live");
        String uuid = TelemetryCsv.newGpu();
        String other = TelemetryCsv.newGpu();
        ingestAndWait(TelemetryCsv.HEADER + TelemetryCsv.row(T0, TEMP, 0, uuid, "H100", host, -1, ""), 1);
        try (DynamicGraphQLClient socket = subscriptionClient()) {
            BlockingQueue<Received> gpu = new LinkedBlockingQueue<>();
            BlockingQueue<Received> fleet = new LinkedBlockingQueue<>();
            Cancellable gpuSubscription = subscribe(
                    socket,
                    "subscription { telemetry(uuid: \"" + uuid + "\", metrics: [\"" + TEMP + "\"])"
                            + " { uuid hostname metric timestamp value } }",
                    "telemetry",
                    gpu);
            Cancellable fleetSubscription = subscribe(
                    socket,
                    "subscription { fleet(hostname: \"" + host.toUpperCase() + "\") { uuid metric value } }",
                    "fleet",
                    fleet);
            // Joined once each has had a point: the warm-up points (negative) are sent until both have one.
            long deadline = System.currentTimeMillis() + 30_000;
            while ((gpu.isEmpty() || fleet.isEmpty()) && System.currentTimeMillis() < deadline) {
                send(TelemetryCsv.HEADER + TelemetryCsv.row(Instant.now(), TEMP, 0, uuid, "H100", host, -1, ""));
                Thread.sleep(300);
            }
            assertThat(gpu).as("the GPU's subscription has joined").isNotEmpty();
            assertThat(fleet).as("the fleet's subscription has joined").isNotEmpty();

            List<Instant> acknowledged = new ArrayList<>();
            for (int batch = 0; batch < 10; batch++) {
                var csv = new StringBuilder(TelemetryCsv.HEADER);
                for (int i = 0; i < 20; i++) {
                    double value = batch * 20 + i;
                    csv.append(TelemetryCsv.row(Instant.now(), TEMP, 0, uuid, "H100", host, value, ""));
                    csv.append(TelemetryCsv.row(Instant.now(), POWER, 0, uuid, "H100", host, value, ""));
                    csv.append(TelemetryCsv.row(Instant.now(), TEMP, 1, other, "H100", "elsewhere", value, ""));
                }
                send(csv.toString());
                acknowledged.add(Instant.now());
                Thread.sleep(100);
            }
            List<Received> gpuPoints = take(gpu, 200);
            assertThat(gpuPoints.stream().map(Received::value).toList())
                    .as("the GPU's temperatures, each once, in order")
                    .isEqualTo(IntStream.range(0, 200).mapToObj(i -> (double) i).toList());
            assertThat(gpuPoints).allSatisfy(point -> {
                assertThat(point.data().getString("uuid")).isEqualTo(uuid);
                assertThat(point.data().getString("metric")).isEqualTo(TEMP);
                assertThat(point.data().getString("hostname")).isEqualTo(host);
            });
            for (Received point : gpuPoints) {
                Instant sent = acknowledged.get((int) point.value() / 20);
                assertThat(Duration.between(sent, point.at()))
                        .as("point %s pushed after its batch was acknowledged", point.value())
                        .isLessThan(Duration.ofSeconds(2));
            }
            List<Received> fleetPoints = take(fleet, 400);
            assertThat(fleetPoints.stream()
                            .filter(point -> point.data().getString("metric").equals(TEMP))
                            .map(Received::value)
                            .toList())
                    .isEqualTo(IntStream.range(0, 200).mapToObj(i -> (double) i).toList());
            assertThat(fleetPoints)
                    .as("the host's points only, both metrics")
                    .allSatisfy(
                            point -> assertThat(point.data().getString("uuid")).isEqualTo(uuid))
                    .filteredOn(point -> point.data().getString("metric").equals(POWER))
                    .hasSize(200);
            gpuSubscription.cancel();
            fleetSubscription.cancel();
        }
    }

    @Test
    void aSubscriptionBeyondLiveMaxSubscribersHearsTheProblemAndLeavingFreesTheSlots() throws Exception {
        String host = TelemetryCsv.unique("gql-full");
        String uuid = TelemetryCsv.newGpu();
        String subscription = "subscription { fleet(hostname: \"" + host + "\") { value } }";
        try (DynamicGraphQLClient socket = subscriptionClient()) {
            BlockingQueue<Response> refused = new LinkedBlockingQueue<>();
            List<Cancellable> subscriptions = new ArrayList<>();
            for (int i = 0; i <= LIVE_MAX_SUBSCRIBERS; i++) {
                subscriptions.add(socket.subscription(subscription).subscribe().with(response -> {
                    if (response.hasError()) {
                        refused.add(response);
                    }
                }));
            }
            Response response = refused.poll(30, TimeUnit.SECONDS);
            assertThat(response)
                    .as("one of %s subscriptions refused", LIVE_MAX_SUBSCRIBERS + 1)
                    .isNotNull();
            assertThat(response.getErrors()).singleElement().satisfies(error -> {
                assertThat(error.getMessage()).contains("LIVE_MAX_SUBSCRIBERS");
                assertThat(error.getExtensions())
                        .containsEntry("status", 503L)
                        .containsEntry("title", "Service Unavailable");
            });
            assertThat(response.getData().isNull("fleet"))
                    .as("no point with the problem")
                    .isTrue();
            subscriptions.forEach(Cancellable::cancel);
        }
        try (DynamicGraphQLClient socket = subscriptionClient()) {
            BlockingQueue<Received> points = new LinkedBlockingQueue<>();
            subscribe(socket, "subscription { fleet(hostname: \"" + host + "\") { value } }", "fleet", points);
            long deadline = System.currentTimeMillis() + 30_000;
            while (points.isEmpty() && System.currentTimeMillis() < deadline) {
                send(TelemetryCsv.HEADER + TelemetryCsv.row(Instant.now(), TEMP, 0, uuid, "H100", host, 1, ""));
                Thread.sleep(300);
            }
            assertThat(points).as("a subscription once the others have left").isNotEmpty();
        }
    }

    private DynamicGraphQLClient subscriptionClient() {
        return DynamicGraphQLClientBuilder.newBuilder()
                .url(uri("/graphql").toString())
                .subprotocols(WebsocketSubprotocol.GRAPHQL_TRANSPORT_WS)
                .build();
    }

    @Test
    void queriesWorkByGetWithVariablesAndTheServedSchemaIsTheCommittedOne() throws Exception {
        String query = "query hostsOf($first: Int) { hosts(first: $first) { edges { node { hostname gpus } } } }";
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(uri("/graphql?query=" + encode(query) + "&operationName=hostsOf&variables="
                                + encode("{\"first\": 2}")))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        JsonObject body = Json.createReader(new StringReader(response.body())).readObject();
        assertThat(body.containsKey("errors")).as(response.body()).isFalse();
        assertThat(body.getJsonObject("data").getJsonObject("hosts"))
                .isEqualTo(data("{ hosts(first: 2) { edges { node { hostname gpus } } } }")
                        .getJsonObject("hosts"));

        HttpResponse<String> literal = HTTP.send(
                HttpRequest.newBuilder(uri("/graphql?query=" + encode("{ gpu(uuid: \"GPU-a+b%41\") { uuid } }")))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(literal.body()).as("decoded once").contains("no GPU with UUID GPU-a+b%41 ");

        String served = HTTP.send(
                        HttpRequest.newBuilder(uri("/graphql/schema.graphql")).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        Path written = Path.of("target", "schema.graphql");
        Files.writeString(written, served);
        assertThat(served)
                .as(
                        "the schema the server prints (written to %s) is the committed schema.graphql: copy it there "
                                + "when the API changes on purpose",
                        written.toAbsolutePath())
                .isEqualTo(Files.readString(Path.of("schema.graphql")));
    }

    private record Received(JsonObject data, double value, Instant at) {}

    private static Cancellable subscribe(
            DynamicGraphQLClient socket, String subscription, String field, BlockingQueue<Received> into) {
        return socket.subscription(subscription).subscribe().with(response -> {
            JsonObject data = response.getData().getJsonObject(field);
            into.add(new Received(data, data.getJsonNumber("value").doubleValue(), Instant.now()));
        });
    }

    /** The next points that are not warm-ups, waiting for at most 30 s. */
    private static List<Received> take(BlockingQueue<Received> queue, int count) throws InterruptedException {
        List<Received> taken = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (taken.size() < count && System.currentTimeMillis() < deadline) {
            Received point = queue.poll(100, TimeUnit.MILLISECONDS);
            if (point != null && point.value() >= 0) {
                taken.add(point);
            }
        }
        Thread.sleep(500);
        queue.stream().filter(point -> point.value() >= 0).forEach(taken::add);
        return taken;
    }

    private void assertError(String query, int status, String argument, String inMessage) throws Exception {
        Response response = client.executeSync(query);
        assertThat(response.getErrors()).as(query).singleElement().satisfies(error -> {
            assertThat(error.getExtensions())
                    .containsEntry("status", (long) status)
                    .containsEntry("type", "about:blank");
            assertThat(error.getExtensions().get("title")).isNotNull();
            assertThat(error.getExtensions().get("parameter")).isEqualTo(argument);
            assertThat(error.getMessage()).isNotBlank().doesNotContain("Exception", "SELECT");
            if (inMessage != null) {
                assertThat(error.getMessage()).contains(inMessage);
            }
        });
    }

    private void assertLimit(String query, String setting) throws Exception {
        Response response = client.executeSync(query);
        assertThat(response.hasData() && !response.getData().isEmpty())
                .as("nothing ran")
                .isFalse();
        GraphQLError error = response.getErrors().get(0);
        assertThat(error.getMessage()).contains(setting);
        assertThat(error.getExtensions()).containsEntry("status", 400L).containsEntry("parameter", setting);
    }

    private JsonObject data(String query) throws Exception {
        return data(query, Map.of());
    }

    private JsonObject data(String query, Map<String, Object> variables) throws Exception {
        Response response = client.executeSync(query, variables);
        assertThat(response.getErrors()).as(query).isNullOrEmpty();
        return response.getData();
    }

    private static Map<String, Object> variables(Object... namesAndValues) {
        Map<String, Object> variables = new java.util.HashMap<>();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            if (namesAndValues[i + 1] != null) {
                variables.put((String) namesAndValues[i], namesAndValues[i + 1]);
            }
        }
        return variables;
    }

    private void send(String csv) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(uri("/api/v1/ingest"))
                        .header("Content-Type", "text/csv")
                        .header("Producer-Id", "gql-" + UUID.randomUUID())
                        .header("Producer-Sequence", "0")
                        .POST(HttpRequest.BodyPublishers.ofString(csv))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.body()).contains("\"rejected\":[]");
    }

    /** Posts the rows and waits until the collectors have stored {@code points} points of the GPUs in it. */
    private void ingestAndWait(String csv, int points) throws Exception {
        send(csv);
        List<String> uuids =
                csv.lines().skip(1).map(line -> line.split(",")[4]).distinct().toList();
        long deadline = System.currentTimeMillis() + 60_000;
        while (uuids.stream().mapToInt(this::storedPoints).sum() < points) {
            assertThat(System.currentTimeMillis()).as(points + " points stored").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private int storedPoints(String uuid) {
        try {
            HttpResponse<String> response = HTTP.send(
                    HttpRequest.newBuilder(uri("/api/v1/gpus/" + uuid + "/telemetry"))
                            .header("Accept", "text/csv")
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 404
                    ? 0
                    : (int) response.body().lines().count() - 1;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonObject json(String path) throws Exception {
        HttpResponse<String> response = HTTP.send(
                HttpRequest.newBuilder(uri(path))
                        .header("Accept", "application/json")
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode())
                .as("GET %s: %s", path, response.body())
                .isEqualTo(200);
        return Json.createReader(new StringReader(response.body())).readObject();
    }

    private URI uri(String path) {
        return URI.create(base.toString().replaceAll("/$", "") + path);
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
