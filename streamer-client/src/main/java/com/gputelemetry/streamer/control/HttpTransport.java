package com.gputelemetry.streamer.control;

import com.gputelemetry.streamer.entity.Batch;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Optional;

/** {@code POST /api/v1/ingest} with the producer's id and the batch's sequence in headers. */
public class HttpTransport implements Transport {

    // HTTP/1.1: the server speaks plain HTTP, and an h2c upgrade attempt on every new connection only costs.
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
    private final URI ingest;
    private final String producerId;
    private final String source;
    private final Optional<String> token;

    /** @param source what the rows are read from, {@code csv} or {@code scrape}: the server counts them by it */
    public HttpTransport(URI server, String producerId, String source, Optional<String> token) {
        this.ingest = server.resolve("/api/v1/ingest");
        this.producerId = producerId;
        this.source = source;
        this.token = token;
    }

    @Override
    public Answer send(Batch batch) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(ingest)
                .timeout(ANSWER_TIMEOUT)
                .header("Content-Type", "text/csv; charset=utf-8")
                .header("Producer-Id", producerId)
                .header("Producer-Sequence", Long.toString(batch.sequence()))
                .header("Producer-Source", source)
                .POST(HttpRequest.BodyPublishers.ofString(batch.toCsv()));
        token.ifPresent(t -> request.header("Authorization", "Bearer " + t));
        HttpResponse<String> response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(
                response.statusCode(),
                response.body(),
                response.headers().firstValue("Retry-After").flatMap(Transport::seconds));
    }

    @Override
    public String toString() {
        return ingest.toString();
    }

    @Override
    public void close() {
        // The client's connections close with it when it is collected; Java 17's HttpClient has no close().
    }
}
