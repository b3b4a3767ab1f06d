package com.gputelemetry;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

/** Gives the container's own errors (unknown path, wrong method or media type) the same problem+json body as ours. */
@Provider
public class ProblemMapper implements ExceptionMapper<WebApplicationException> {

    @Override
    public Response toResponse(WebApplicationException exception) {
        Response response = exception.getResponse();
        if (response.hasEntity()) {
            return response;
        }
        var status = response.getStatusInfo();
        return new Problem(
                        "about:blank", status.getReasonPhrase(), status.getStatusCode(), exception.getMessage(), null)
                .toResponse()
                .replaceAll(response.getHeaders())
                .type(Problem.MEDIA)
                .build();
    }
}
