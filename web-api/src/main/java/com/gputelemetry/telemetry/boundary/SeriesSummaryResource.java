package com.gputelemetry.telemetry.boundary;

import com.gputelemetry.Problem;
import com.gputelemetry.rollup.control.Summaries;
import com.gputelemetry.telemetry.control.GpuCatalog;
import com.gputelemetry.telemetry.control.GpuLookup;
import com.gputelemetry.telemetry.entity.Gpu;
import com.gputelemetry.telemetry.entity.Micros;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * A GPU's telemetry summarised per time bucket: min, max, average and count, computed by the database from the rollups
 * where they are built, from the points elsewhere.
 */
@Path("gpus/{uuid}/telemetry/summary")
@ApplicationScoped
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(ref = "gpus")
public class SeriesSummaryResource {

    /** Without a start_time, a summary covers the hour before its end. */
    private static final long DEFAULT_SPAN_MICROS = 3_600_000_000L;

    @EJB
    GpuCatalog catalog;

    @EJB
    Summaries summaries;

    @Inject
    GpuLookup lookup;

    @GET
    @Operation(
            operationId = "getGpuTelemetrySummary",
            summary = "Min, max, average and count per time bucket",
            description = "For each metric asked for, the points in [start_time, end_time] grouped into buckets of "
                    + "'step' that start at whole multiples of the step (1m buckets start on the minute). Buckets "
                    + "without points are left out. At most 10000 buckets per metric.")
    @APIResponse(
            responseCode = "200",
            description = "The buckets, by metric, then time",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(ref = "SeriesSummary"),
                            examples = @ExampleObject(name = "two minutes", value = Examples.SUMMARY)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "UnknownGpu")
    public SeriesSummary summary(
            @Parameter(ref = "uuid") @PathParam("uuid") String uuid,
            @Parameter(
                            description = "The metrics to summarise (repeat the parameter for several); required",
                            required = true,
                            example = "DCGM_FI_DEV_GPU_TEMP")
                    @QueryParam("metric")
                    List<String> metric,
            @Parameter(
                            description = "Earliest time, inclusive (RFC 3339); default: end_time minus one hour",
                            schema = @Schema(type = SchemaType.STRING, format = "date-time"),
                            example = "2026-11-22T10:00:00Z")
                    @QueryParam("start_time")
                    String startTime,
            @Parameter(
                            description = "Latest time, inclusive (RFC 3339); default: now",
                            schema = @Schema(type = SchemaType.STRING, format = "date-time"),
                            example = "2026-11-22T11:00:00Z")
                    @QueryParam("end_time")
                    String endTime,
            @Parameter(
                            description = "Bucket width: a whole number of s, m, h or d",
                            schema =
                                    @Schema(type = SchemaType.STRING, pattern = "[0-9]+(s|m|h|d)", defaultValue = "1m"))
                    @QueryParam("step")
                    @DefaultValue("1m")
                    String step) {
        if (metric.isEmpty()) {
            throw Problem.badParameter(
                    "metric", "name at least one metric to summarise, e.g. metric=DCGM_FI_DEV_GPU_TEMP");
        }
        long stepMicros = QueryParameters.stepMicros(step);
        TimeWindow window = TimeWindow.of(startTime, endTime).closedAtNow(DEFAULT_SPAN_MICROS);
        if ((window.toMicros() - window.fromMicros()) / stepMicros >= QueryParameters.MAX_BUCKETS) {
            throw Problem.badParameter(
                    "step",
                    "step " + step + " makes more than " + QueryParameters.MAX_BUCKETS + " buckets in this window");
        }
        Gpu gpu = lookup.known(uuid);
        // The GPU's own metrics answer for the names it reported, without a look at every GPU's.
        List<String> metrics = QueryParameters.metrics(
                metric, () -> gpu.metricNames().containsAll(metric) ? Set.copyOf(metric) : catalog.metricNames());
        List<SeriesSummary.Bucket> buckets = new ArrayList<>();
        for (String name : metrics) {
            for (Summaries.Bucket bucket :
                    summaries.of(uuid, name, window.fromMicros(), window.toMicros(), stepMicros)) {
                buckets.add(new SeriesSummary.Bucket(
                        name,
                        Micros.toRfc3339(bucket.startMicros()),
                        bucket.min(),
                        bucket.max(),
                        bucket.avg(),
                        bucket.count()));
            }
        }
        return new SeriesSummary(uuid, step, buckets, null);
    }
}
