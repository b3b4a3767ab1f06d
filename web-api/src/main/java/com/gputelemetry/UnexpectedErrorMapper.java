package com.gputelemetry;

import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A bug must not leak a stack trace or SQL to clients: they get an incident id that points into the server log. A
 * database that cannot be reached is no bug: 503 and when to retry.
 */
@Provider
public class UnexpectedErrorMapper implements ExceptionMapper<RuntimeException> {

    private static final Logger LOG = Logger.getLogger(UnexpectedErrorMapper.class.getName());

    @Override
    public Response toResponse(RuntimeException exception) {
        Problem problem = problemFor(exception);
        Response.ResponseBuilder response = problem.toResponse();
        if (problem.status() == 503) {
            response.header("Retry-After", DatabaseOutage.RETRY_AFTER_SECONDS);
        }
        return response.build();
    }

    /**
     * What a client is told of an exception nobody handled, on any transport: 503 (retry after {@link
     * DatabaseOutage#RETRY_AFTER_SECONDS}) while the database is away, else a 500 naming the incident logged here.
     */
    public static Problem problemFor(RuntimeException exception) {
        if (DatabaseOutage.causes(exception)) {
            LOG.warning(() -> "answered 503: the database is not reachable (" + exception + ")");
            return DatabaseOutage.problem();
        }
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "incident " + incident, exception);
        return new Problem("about:blank", "Internal Server Error", 500, "unexpected error, incident " + incident, null);
    }
}
