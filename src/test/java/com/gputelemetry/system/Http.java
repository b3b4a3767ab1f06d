package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The system tests' one HTTP client, and the reading of JSON answers they all do. */
public final class Http {

    // HTTP/1.1: the JDK client reuses an idle HTTP/2 connection that the server has since closed and fails with EOF,
    // where on HTTP/1.1 it sends a GET again on a new connection. And over one HTTP/2 connection, a hostile request
    // (a 5,000-character path) spoils the requests after it on Payara.
    public static final HttpClient CLIENT =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private static final Jsonb JSON = JsonbBuilder.create();

    private Http() {}

    static HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
        return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
    }

    /** GET with the credentials the test holds for reading from this server. */
    static HttpResponse<String> get(RunningServer server, String path) throws IOException, InterruptedException {
        return send(server.request(path).build());
    }

    /** GET of a JSON answer that must be 200, read into {@code type}. */
    static <T> T getJson(RunningServer server, String path, Class<T> type) throws IOException, InterruptedException {
        var response = get(server, path);
        assertThat(response.statusCode())
                .as("GET %s: %s", path, response.body())
                .isEqualTo(200);
        return JSON.fromJson(response.body(), type);
    }

    /**
     * A CSV batch posted as a producer posts it: {@code POST /api/v1/ingest} with its producer id and the batch's
     * sequence, and the ingest token when the server requires one (null: none sent).
     */
    static HttpResponse<String> ingest(RunningServer server, String producer, long sequence, String token, byte[] csv)
            throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(server.uri("/api/v1/ingest"))
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofByteArray(csv))
                .header("Content-Type", "text/csv")
                .header("Producer-Id", producer)
                .header("Producer-Sequence", Long.toString(sequence));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return send(request.build());
    }

    /** The same for a batch in text, the first (0) of a producer of its own. */
    static HttpResponse<String> ingest(RunningServer server, String csv) throws IOException, InterruptedException {
        return ingest(server, TelemetryCsv.unique("producer"), 0, null, csv.getBytes(StandardCharsets.UTF_8));
    }

    static <T> T fromJson(String json, Class<T> type) {
        return JSON.fromJson(json, type);
    }
}
