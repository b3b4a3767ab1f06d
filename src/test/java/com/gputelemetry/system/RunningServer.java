package com.gputelemetry.system;

import java.net.URI;

/** A server under test, reached over real HTTP. */
public interface RunningServer {

    /** Where the application answers {@code path}, e.g. {@code /api/v1/gpus}. */
    URI uri(String path);

    default String baseUrl() {
        return uri("").toString();
    }
}
