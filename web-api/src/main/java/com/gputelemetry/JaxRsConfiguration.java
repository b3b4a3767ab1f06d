package com.gputelemetry;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;
import org.eclipse.microprofile.openapi.annotations.info.License;

/**
 * Activates JAX-RS under {@code /api/v1} and describes the API for the generated OpenAPI document (its shared parts:
 * {@code com.gputelemetry.openapi}).
 */
@ApplicationPath("api/v1")
@OpenAPIDefinition(
        info =
                @Info(
                        title = "GPU Telemetry Pipeline API",
                        version = "1",
                        description = "Ingests DCGM GPU metrics as CSV batches and serves every GPU's telemetry. "
                                + "Times are RFC 3339 in UTC; errors are application/problem+json (RFC 9457).",
                        license = @License(name = "Apache-2.0", url = "https://www.apache.org/licenses/LICENSE-2.0")))
public class JaxRsConfiguration extends Application {}
