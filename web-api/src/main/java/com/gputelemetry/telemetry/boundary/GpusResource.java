package com.gputelemetry.telemetry.boundary;

import com.gputelemetry.Problem;
import com.gputelemetry.telemetry.control.GpuCatalog;
import com.gputelemetry.telemetry.entity.Gpu;
import com.gputelemetry.telemetry.entity.SeriesPosition;
import com.gputelemetry.telemetry.entity.TelemetryPoint;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The GPUs that have reported telemetry, and each GPU's time series. */
@Path("gpus")
@RequestScoped
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "gpus")
public class GpusResource {

    static final int MAX_LIMIT = 10_000;
    private static final SeriesPosition BEFORE_EVERYTHING = new SeriesPosition(Long.MIN_VALUE, Long.MIN_VALUE);

    @EJB
    GpuCatalog catalog;

    @GET
    @Operation(
            summary = "List every GPU that has telemetry",
            description = "A GPU is identified by its UUID; gpuIndex (0-7) repeats on every host. "
                    + "Ordered by hostname, then GPU index.")
    @APIResponse(
            responseCode = "200",
            description = "The GPUs",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            examples =
                                    @ExampleObject(
                                            name = "one GPU",
                                            value =
                                                    """
                    {"items":[{"uuid":"GPU-5fd4f087-86f3-7a43-b711-4771313afc50","hostname":"mtv5-dgx1-hgpu-031",\
                    "gpuIndex":0,"device":"nvidia0","model":"NVIDIA H100 80GB HBM3",\
                    "firstSeen":"2026-11-22T10:00:00.123456Z","lastSeen":"2026-11-22T10:05:00.654321Z"}],"nextCursor":null}""")))
    public Page<Gpu> gpus() {
        return new Page<>(catalog.gpus(), null);
    }

    @GET
    @Path("{uuid}/telemetry")
    @Operation(
            summary = "One GPU's telemetry, ascending by time",
            description = "Both bounds are inclusive: a point stamped exactly start_time or end_time is included. "
                    + "Pages hold at most 'limit' points; pass 'nextCursor' back as 'cursor' for the next page.")
    @APIResponse(
            responseCode = "200",
            description = "A page of the GPU's points (empty when the window holds none)",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(implementation = Series.class),
                            examples =
                                    @ExampleObject(
                                            name = "two points",
                                            value =
                                                    """
                            {"gpu":"GPU-5fd4f087-86f3-7a43-b711-4771313afc50","items":[\
                            {"timestamp":"2026-11-22T10:00:00.123456Z","metric":"DCGM_FI_DEV_GPU_TEMP","value":41.0},\
                            {"timestamp":"2026-11-22T10:00:00.123456Z","metric":"DCGM_FI_DEV_POWER_USAGE","value":112.5}],\
                            "nextCursor":null}""")))
    @APIResponse(
            responseCode = "400",
            description = "A malformed time, end_time before start_time, a bad limit or cursor",
            content =
                    @Content(
                            mediaType = Problem.MEDIA_TYPE,
                            schema = @Schema(implementation = Problem.class),
                            examples =
                                    @ExampleObject(
                                            name = "malformed start",
                                            value =
                                                    """
                            {"type":"about:blank","title":"Invalid parameter","status":400,\
                            "detail":"start_time must be an RFC 3339 date-time such as 2025-07-18T20:42:34Z, not 'yesterday'",\
                            "parameter":"start_time"}""")))
    @APIResponse(
            responseCode = "404",
            description = "No GPU with this UUID has reported telemetry",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public Series telemetry(
            @Parameter(description = "The GPU's UUID", example = "GPU-5fd4f087-86f3-7a43-b711-4771313afc50")
                    @PathParam("uuid")
                    String uuid,
            @Parameter(description = "Earliest time, inclusive (RFC 3339)", example = "2025-07-18T20:42:34Z")
                    @QueryParam("start_time")
                    String startTime,
            @Parameter(description = "Latest time, inclusive (RFC 3339)", example = "2025-07-18T21:42:34Z")
                    @QueryParam("end_time")
                    String endTime,
            @Parameter(description = "Most points in one page (1-10000)", schema = @Schema(defaultValue = "1000"))
                    @QueryParam("limit")
                    @DefaultValue("1000")
                    String limit,
            @Parameter(description = "The nextCursor of the previous page") @QueryParam("cursor") String cursor) {
        TimeWindow window = TimeWindow.of(startTime, endTime);
        int pageSize = limit(limit);
        SeriesPosition after = cursor == null ? BEFORE_EVERYTHING : position(cursor);
        if (catalog.gpu(uuid).isEmpty()) {
            throw Problem.notFound("no GPU with UUID " + uuid + " has reported telemetry");
        }
        List<TelemetryPoint> points = catalog.series(uuid, window.fromMicros(), window.toMicros(), after, pageSize + 1);
        if (points.size() > pageSize) {
            List<TelemetryPoint> page = points.subList(0, pageSize);
            return new Series(uuid, page, page.get(pageSize - 1).position().toCursor());
        }
        return new Series(uuid, points, null);
    }

    private static int limit(String text) {
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw Problem.badParameter("limit", "limit must be an integer from 1 to " + MAX_LIMIT + ", not '" + text + "'");
    }

    private static SeriesPosition position(String cursor) {
        try {
            return SeriesPosition.fromCursor(cursor);
        } catch (IllegalArgumentException e) {
            throw Problem.badParameter("cursor", "cursor is not one this API handed out: '" + cursor + "'");
        }
    }
}
