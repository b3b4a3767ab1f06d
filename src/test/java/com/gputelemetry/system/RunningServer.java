package com.gputelemetry.system;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;

/** A server under test, reached over real HTTP. */
public interface RunningServer {

    /** Where the application answers {@code path}, e.g. {@code /api/v1/gpus}. */
    URI uri(String path);

    default String baseUrl() {
        return uri("").toString();
    }

    /** The token the test reads this server with, while the server requires one for reading; null while it does not. */
    default String readToken() {
        return null;
    }

    /** A request to {@code path}, with the read token when the server requires one. */
    default HttpRequest.Builder request(String path) {
        var request = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30));
        if (readToken() != null) {
            request.header("Authorization", "Bearer " + readToken());
        }
        return request;
    }
}
