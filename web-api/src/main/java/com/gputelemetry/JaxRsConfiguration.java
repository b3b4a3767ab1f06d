package com.gputelemetry;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.Components;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.enums.ParameterIn;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.info.License;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;

/** Activates JAX-RS under {@code /api/v1} and describes the API for the generated OpenAPI document. */
@ApplicationPath("api/v1")
@OpenAPIDefinition(
        info =
                @Info(
                        title = "GPU Telemetry Pipeline API",
                        version = "1",
                        description = "Ingests DCGM GPU metrics as CSV batches and serves every GPU's telemetry. "
                                + "Times are RFC 3339 in UTC; errors are application/problem+json (RFC 9457).",
                        license = @License(name = "Apache-2.0", url = "https://www.apache.org/licenses/LICENSE-2.0")),
        components =
                @Components(
                        parameters = {
                            @Parameter(
                                    name = "limit",
                                    in = ParameterIn.QUERY,
                                    description = "Most items in one page",
                                    schema =
                                            @Schema(
                                                    type = SchemaType.INTEGER,
                                                    minimum = "1",
                                                    maximum = "10000",
                                                    defaultValue = "1000")),
                            @Parameter(
                                    name = "cursor",
                                    in = ParameterIn.QUERY,
                                    description = "The nextCursor of the previous page; leave out for the first page",
                                    schema = @Schema(type = SchemaType.STRING))
                        },
                        responses = {
                            @APIResponse(
                                    name = "BadPaging",
                                    responseCode = "400",
                                    description = "A bad limit or cursor",
                                    content =
                                            @Content(
                                                    mediaType = Problem.MEDIA_TYPE,
                                                    schema = @Schema(ref = "Problem"),
                                                    examples =
                                                            @ExampleObject(
                                                                    name = "bad limit",
                                                                    value =
                                                                            """
                                    {"type":"about:blank","title":"Invalid parameter","status":400,\
                                    "detail":"limit must be an integer from 1 to 10000, not '0'","parameter":"limit"}"""))),
                            @APIResponse(
                                    name = "UnknownGpu",
                                    responseCode = "404",
                                    description = "No GPU with this UUID has reported telemetry",
                                    content =
                                            @Content(
                                                    mediaType = Problem.MEDIA_TYPE,
                                                    schema = @Schema(ref = "Problem"),
                                                    examples =
                                                            @ExampleObject(
                                                                    name = "unknown GPU",
                                                                    value =
                                                                            """
                                    {"type":"about:blank","title":"Not Found","status":404,\
                                    "detail":"no GPU with UUID GPU-00000000-0000-0000-0000-000000000000 has reported telemetry"}""")))
                        }))
public class JaxRsConfiguration extends Application {}
