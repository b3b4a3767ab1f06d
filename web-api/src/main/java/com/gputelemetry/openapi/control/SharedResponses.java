package com.gputelemetry.openapi.control;

import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.models.media.Schema.SchemaType;
import org.eclipse.microprofile.openapi.models.responses.APIResponse;

/**
 * The error answers several operations give, each described once as an RFC 9457 problem; the resources name them by
 * key ({@code @APIResponse(responseCode = "404", ref = "UnknownGpu")}), and the contract's policy adds the last three
 * to every operation. An error only one operation gives is described there; the policy makes it a problem too.
 */
final class SharedResponses {

    static final String UNAUTHORIZED = "Unauthorized";
    static final String FORBIDDEN = "Forbidden";
    static final String INTERNAL_ERROR = "InternalError";
    static final String PROBLEM = "application/problem+json";

    private SharedResponses() {}

    static Map<String, APIResponse> all() {
        Map<String, APIResponse> responses = new LinkedHashMap<>();
        responses.put(
                "BadRequest",
                problem(
                        "A malformed or out-of-range parameter, header or body; the problem's parameter names it",
                        "malformed start",
                        400,
                        "Invalid parameter",
                        "start_time must be an RFC 3339 date-time such as 2025-07-18T20:42:34Z, not 'yesterday'",
                        "start_time"));
        responses.put(
                "BadPaging",
                problem(
                        "A bad limit or cursor",
                        "bad limit",
                        400,
                        "Invalid parameter",
                        "limit must be an integer from 1 to 10000, not '0'",
                        "limit"));
        responses.put(
                "UnknownGpu",
                problem(
                        "No GPU with this UUID has reported telemetry",
                        "unknown GPU",
                        404,
                        "Not Found",
                        "no GPU with UUID GPU-00000000-0000-0000-0000-000000000000 has reported telemetry",
                        null));
        responses.put(
                "NotFound",
                problem(
                        "Nothing of this name or id here; the detail says what was looked for",
                        "unknown host",
                        404,
                        "Not Found",
                        "no GPU on host mtv5-dgx1-hgpu-999 has reported telemetry",
                        null));
        responses.put(
                "Conflict", problem("The resource's state did not allow it; nothing changed, the detail says why"));
        responses.put(
                "Unavailable",
                problem("The server cannot take this now and did nothing; retry after Retry-After seconds")
                        .addHeader(
                                "Retry-After",
                                OASFactory.createHeader()
                                        .description("Seconds to wait before retrying")
                                        .schema(ContractSchemas.typed(SchemaType.INTEGER))));
        responses.put(UNAUTHORIZED, problem("No token, or not one of the server's tokens"));
        responses.put(FORBIDDEN, problem("A token of another role; or, for admin operations, none is set"));
        responses.put(
                INTERNAL_ERROR, problem("An unexpected error; the detail names an incident id logged on the server"));
        return responses;
    }

    /** An answer with a problem body. */
    static APIResponse problem(String description) {
        return OASFactory.createAPIResponse()
                .description(description)
                .content(OASFactory.createContent()
                        .addMediaType(PROBLEM, OASFactory.createMediaType().schema(ContractSchemas.ref("Problem"))));
    }

    /** An answer with a problem body and an example of it, as the API gives it. */
    private static APIResponse problem(
            String description, String example, int status, String title, String detail, String parameter) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", "about:blank");
        body.put("title", title);
        body.put("status", status);
        body.put("detail", detail);
        if (parameter != null) {
            body.put("parameter", parameter);
        }
        APIResponse response = problem(description);
        response.getContent()
                .getMediaType(PROBLEM)
                .addExample(example, OASFactory.createExample().value(body));
        return response;
    }
}
