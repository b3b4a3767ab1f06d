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
        if (DatabaseOutage.causes(exception)) {
            LOG.warning(() -> "answered 503: the database is not reachable (" + exception + ")");
            return DatabaseOutage.problem()
                    .toResponse()
                    .header("Retry-After", DatabaseOutage.RETRY_AFTER_SECONDS)
                    .build();
        }
        String incident = UUID.randomUUID().toString();
        LOG.log(Level.SEVERE, "incident " + incident, exception);
        return new Problem("about:blank", "Internal Server Error", 500, "unexpected error, incident " + incident, null)
                .toResponse()
                .build();
    }
}
