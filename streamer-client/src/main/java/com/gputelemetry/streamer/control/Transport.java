package com.gputelemetry.streamer.control;

import com.gputelemetry.streamer.entity.Batch;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

/** One way of handing a batch to the server: HTTP POST or a WebSocket message. One attempt, no retries. */
public interface Transport extends AutoCloseable {

    Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    Duration ANSWER_TIMEOUT = Duration.ofSeconds(60);

    /**
     * @return the server's answer, whatever its status
     * @throws IOException when no answer came: connection refused or lost, timeout
     */
    Answer send(Batch batch) throws IOException, InterruptedException;

    @Override
    void close();

    /** What the server said: an HTTP status (the WebSocket replies carry one too), its body, and when to retry. */
    record Answer(int status, String body, Optional<Duration> retryAfter) {}

    static Optional<Duration> seconds(String retryAfter) {
        try {
            return Optional.of(Duration.ofSeconds(Math.max(0, Long.parseLong(retryAfter.strip()))));
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
