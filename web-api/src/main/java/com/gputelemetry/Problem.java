package com.gputelemetry;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** An RFC 9457 problem detail: the body of every error response, naming the offending parameter where there is one. */
@JsonbNillable(false)
@JsonbPropertyOrder({"type", "title", "status", "detail", "parameter"})
public record Problem(String type, String title, int status, String detail, String parameter) {

    public static final String MEDIA_TYPE = "application/problem+json";
    public static final MediaType MEDIA = MediaType.valueOf(MEDIA_TYPE);

    private static final Jsonb JSON = JsonbBuilder.create();

    public static WebApplicationException badParameter(String parameter, String detail) {
        return new WebApplicationException(
                detail,
                new Problem("about:blank", "Invalid parameter", 400, detail, parameter)
                        .toResponse()
                        .build());
    }

    public static WebApplicationException notFound(String detail) {
        return new WebApplicationException(
                detail,
                new Problem("about:blank", "Not Found", 404, detail, null)
                        .toResponse()
                        .build());
    }

    public Response.ResponseBuilder toResponse() {
        return Response.status(status).type(MEDIA).entity(this);
    }

    /** Answers with this problem from a servlet or a filter, where JAX-RS does not write the answer. */
    public void send(HttpServletResponse response) throws IOException {
        response.setStatus(status);
        response.setContentType(MEDIA_TYPE);
        response.getOutputStream().write(JSON.toJson(this).getBytes(StandardCharsets.UTF_8));
    }
}
