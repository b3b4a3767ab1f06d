package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A server as an operator hardens it, on H2: tokens for every role, two of each for rotation. Who may do what, and
 * what those without a credential get.
 */
public class HardeningSystemIT {

    private static final String INGEST = "ingest-token-1,ingest-token-2";
    private static final String ADMIN = "admin-token-1, admin-token-2";
    private static final String READ = "read-token-1,read-token-2";
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static PackagedServer server;

    @BeforeAll
    static void start() throws Exception {
        Path scratch = Files.createTempDirectory("telemetry-hardening-test");
        server = PackagedServer.start(
                Map.of(
                        "TELEMETRY_DB_URL",
                        "jdbc:h2:file:" + scratch.resolve("telemetry") + ";DB_CLOSE_ON_EXIT=FALSE",
                        "INGEST_TOKEN",
                        INGEST,
                        "ADMIN_TOKEN",
                        ADMIN,
                        "READ_TOKEN",
                        READ),
                "hardening");
        var sample = StreamerProcess.run(
                "hardening", "--url", server.baseUrl(), "--token", "ingest-token-2", "--interval", "0ms");
        assertThat(sample.exitCode()).as("stderr:%n%s", sample.stderr()).isZero();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private static HttpResponse<String> send(String method, String path, String token, String body) throws Exception {
        var request = HttpRequest.newBuilder(server.uri(path))
                .timeout(Duration.ofSeconds(30))
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", path.contains("ingest") ? "text/csv" : "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (path.contains("ingest")) {
            request.header("Producer-Id", "hardening-probe")
                    .header("Producer-Sequence", Long.toString(System.nanoTime()));
        }
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonObject problem(HttpResponse<String> response) {
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        try (var reader = Json.createReader(new StringReader(response.body()))) {
            return reader.readObject();
        }
    }

    private static void assertRefused(HttpResponse<String> response, int status, String... secretsNotShown) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        JsonObject problem = problem(response);
        assertThat(problem.getInt("status")).isEqualTo(status);
        assertThat(problem.getString("parameter")).isEqualTo("Authorization");
        for (String secret : secretsNotShown) {
            assertThat(response.body()).doesNotContain(secret);
        }
        if (status == 401) {
            assertThat(response.headers().firstValue("WWW-Authenticate"))
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Bearer"));
        }
    }

    @Test
    void probesMetricsAndTheDocumentStayOpen() throws Exception {
        for (String path : new String[] {"/health/live", "/health/ready", "/metrics", "/openapi", "/"}) {
            assertThat(send("GET", path, null, null).statusCode()).as(path).isEqualTo(200);
        }
    }

    @Test
    void readingNeedsAReadOrAdminToken() throws Exception {
        assertRefused(send("GET", "/api/v1/gpus", null, null), 401);
        assertRefused(send("GET", "/api/v1/gpus", "guess", null), 401, "guess");
        assertRefused(send("GET", "/api/v1/gpus", "ingest-token-1", null), 403, "ingest-token-1");
        for (String token : new String[] {"read-token-1", "read-token-2", "admin-token-1", "admin-token-2"}) {
            assertThat(send("GET", "/api/v1/gpus?limit=1", token, null).statusCode())
                    .as(token)
                    .isEqualTo(200);
        }
        assertRefused(send("GET", "/api/v1/queue/groups", null, null), 401);
        assertThat(send("GET", "/api/v1/queue/groups", "read-token-1", null).statusCode())
                .isEqualTo(200);
    }

    @Test
    void theLiveStreamsTakeTheReadTokenAlsoAsAQueryParameterForBrowsers() throws Exception {
        assertRefused(send("GET", "/api/v1/telemetry/stream", null, null), 401);
        try (var stream =
                SseSubscription.open(server.uri("/api/v1/telemetry/stream?access_token=read-token-2"), null)) {
            assertThat(stream).isNotNull();
        }
        // Only on the streams: elsewhere a token belongs in the header, not in URLs that end up in logs.
        assertRefused(send("GET", "/api/v1/gpus?access_token=read-token-2", null, null), 401);
    }

    @Test
    void ingestNeedsAnIngestToken() throws Exception {
        String batch = Files.readAllLines(Path.of(Launch.required("sample.csv"))).subList(0, 2).stream()
                        .reduce((a, b) -> a + "\n" + b)
                        .orElseThrow()
                + "\n";
        assertRefused(send("POST", "/api/v1/ingest", null, batch), 401);
        assertRefused(send("POST", "/api/v1/ingest", "read-token-1", batch), 403, "read-token-1");
        assertRefused(send("POST", "/api/v1/ingest", "admin-token-1", batch), 403, "admin-token-1");
        assertThat(send("POST", "/api/v1/ingest", "ingest-token-1", batch).statusCode())
                .isEqualTo(200);
    }

    @Test
    void changingTheQueueAndReadingDeadLettersNeedAnAdminToken() throws Exception {
        String workers = "/api/v1/queue/groups/collectors/workers";
        assertRefused(send("PUT", workers, null, "{\"workers\":3}"), 401);
        assertRefused(send("PUT", workers, "read-token-1", "{\"workers\":3}"), 403);
        assertRefused(send("PUT", workers, "ingest-token-1", "{\"workers\":3}"), 403);
        // Spelled so that only JAX-RS would see the same resource: still admin's.
        assertRefused(
                send("PUT", "/api/v1/queue/groups/collectors//workers;x=1", "read-token-1", "{\"workers\":3}"), 403);
        assertRefused(send("POST", "/api/v1/queue/dead-letters/1/replay", "read-token-1", null), 403);
        assertRefused(send("GET", "/api/v1/queue/dead-letters/1", "read-token-1", null), 403);

        var resized = send("PUT", workers, "admin-token-2", "{\"workers\":3}");
        assertThat(resized.statusCode()).as(resized.body()).isEqualTo(200);
        assertThat(send("GET", "/api/v1/queue/dead-letters/1", "admin-token-1", null)
                        .statusCode())
                .as("no such dead letter")
                .isEqualTo(404);
    }

    @Test
    void theServerSaysAtStartUpWhatIsOpenAndWhatIsClosed() throws Exception {
        assertThat(server.log())
                .contains("access: ingest needs one of the 2 tokens of INGEST_TOKEN; read needs one of the 2 tokens of "
                        + "READ_TOKEN; admin")
                .doesNotContain("admin-token-1", "read-token-1", "ingest-token-1");
    }
}
