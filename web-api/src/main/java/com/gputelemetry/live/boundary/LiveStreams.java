package com.gputelemetry.live.boundary;

import com.gputelemetry.Problem;
import com.gputelemetry.live.control.LiveFeed;
import com.gputelemetry.live.control.Subscriber;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.container.AsyncResponse;
import java.io.IOException;

/** What both stream resources share: starting a subscriber, and their answers when they cannot. */
final class LiveStreams {

    static final String LAST_EVENT_ID = "Last-Event-ID";
    private static final int RETRY_AFTER_SECONDS = 5;

    private LiveStreams() {}

    static void start(Subscriber subscriber, HttpServletRequest request, AsyncResponse response) throws IOException {
        try {
            subscriber.start(request, response);
        } catch (LiveFeed.TooManySubscribers e) {
            throw new WebApplicationException(
                    e.getMessage(),
                    new Problem("about:blank", "Service Unavailable", 503, e.getMessage(), null)
                            .toResponse()
                            .header("Retry-After", RETRY_AFTER_SECONDS)
                            .build());
        }
    }

    static WebApplicationException badLastEventId(IllegalArgumentException e) {
        return Problem.badParameter(LAST_EVENT_ID, e.getMessage());
    }
}
