package com.gputelemetry.telemetry.boundary;

import com.gputelemetry.Problem;
import com.gputelemetry.telemetry.control.GpuCatalog;
import com.gputelemetry.telemetry.entity.MetricUnit;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The telemetry metrics the GPUs have reported. Not under {@code /metrics}, which is the server's own MicroProfile
 * Metrics endpoint.
 */
@Path("telemetry-metrics")
@ApplicationScoped
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "metrics", description = "The telemetry metrics the GPUs report, with their units")
public class TelemetryMetricsResource {

    @EJB
    GpuCatalog catalog;

    @GET
    @Operation(
            operationId = "listTelemetryMetrics",
            summary = "List the telemetry metrics",
            description = "Every metric name any GPU has reported, in name order, with its unit where DCGM's naming "
                    + "conventions give one (%, W, °C, MiB, MHz, mJ); null otherwise. Few enough for one page.")
    @APIResponse(
            responseCode = "200",
            description = "The metrics",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(ref = "MetricPage"),
                            examples = @ExampleObject(name = "two metrics", value = Examples.METRICS)))
    public Page<MetricEntry> metrics() {
        return new Page<>(
                catalog.metricNames().stream()
                        .map(name -> new MetricEntry(name, MetricUnit.of(name)))
                        .toList(),
                null);
    }
}
