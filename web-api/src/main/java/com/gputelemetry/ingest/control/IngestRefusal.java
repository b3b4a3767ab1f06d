package com.gputelemetry.ingest.control;

import com.gputelemetry.Problem;
import java.util.OptionalLong;

/**
 * Why a whole batch was not taken, the same for every transport: a bad request (resending it cannot help) or a
 * refusal for now, with the seconds after which the very same batch should be sent again.
 */
public class IngestRefusal extends RuntimeException {

    private final transient Problem problem;
    private final OptionalLong retryAfterSeconds;

    private IngestRefusal(Problem problem, OptionalLong retryAfterSeconds) {
        super(problem.detail());
        this.problem = problem;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    static IngestRefusal badParameter(String parameter, String detail) {
        return new IngestRefusal(
                new Problem("about:blank", "Invalid parameter", 400, detail, parameter), OptionalLong.empty());
    }

    static IngestRefusal overloaded(String detail, long retryAfterSeconds) {
        return new IngestRefusal(
                new Problem("about:blank", "Too Many Requests", 429, detail, null), OptionalLong.of(retryAfterSeconds));
    }

    static IngestRefusal unavailable(long retryAfterSeconds) {
        return new IngestRefusal(
                new Problem(
                        "about:blank",
                        "Service Unavailable",
                        503,
                        "the queue could not store the batch; retry the same batch later",
                        null),
                OptionalLong.of(retryAfterSeconds));
    }

    public Problem problem() {
        return problem;
    }

    public OptionalLong retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
