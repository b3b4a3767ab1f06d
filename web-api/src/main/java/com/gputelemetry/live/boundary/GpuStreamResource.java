package com.gputelemetry.live.boundary;

import com.gputelemetry.Problem;
import com.gputelemetry.live.control.LiveFeed;
import com.gputelemetry.live.control.Subscriber;
import com.gputelemetry.live.entity.StreamPosition;
import com.gputelemetry.telemetry.boundary.QueryParameters;
import com.gputelemetry.telemetry.control.GpuCatalog;
import com.gputelemetry.telemetry.control.GpuLookup;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.container.Suspended;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** One GPU's new points as they are stored, pushed as Server-Sent Events. */
@Path("gpus/{uuid}/telemetry/stream")
@RequestScoped
@Tag(name = "gpus")
public class GpuStreamResource {

    @EJB
    GpuCatalog catalog;

    @Inject
    LiveFeed feed;

    @Inject
    GpuLookup lookup;

    @GET
    @Produces({MediaType.SERVER_SENT_EVENTS, Problem.MEDIA_TYPE})
    @Operation(
            operationId = "streamGpuTelemetry",
            summary = "One GPU's new points, pushed as they are stored (Server-Sent Events)",
            description = "Each event is one point (event name 'point', data: uuid, hostname, metric, timestamp, "
                    + "value) in the GPU's order, with an id. Send the last id back as the Last-Event-ID header (browsers "
                    + "do it on reconnecting) to go on without a gap or a repeat, as long as the queue still keeps the "
                    + "records (QUEUE_RETENTION_MINUTES); when it no longer does, an event named 'gap' (data: partition, "
                    + "from, to: the offsets missing) comes first, and the points stored meanwhile are read from this "
                    + "GPU's telemetry. A comment every LIVE_KEEP_ALIVE_SECONDS (15) keeps the connection open. A client "
                    + "that falls far behind is disconnected; it resumes with its last id. Try: curl -N "
                    + "http://localhost:8080/api/v1/gpus/{uuid}/telemetry/stream")
    @APIResponse(
            responseCode = "200",
            description = "An endless stream of events",
            content =
                    @Content(
                            mediaType = MediaType.SERVER_SENT_EVENTS,
                            schema = @Schema(type = SchemaType.STRING),
                            examples =
                                    @ExampleObject(
                                            name = "one point",
                                            value =
                                                    """
                                    event: point
                                    id: 3-1042-7
                                    data: {"uuid":"GPU-5fd4f087-86f3-7a43-b711-4771313afc50",\
                                    "hostname":"mtv5-dgx1-hgpu-031","metric":"DCGM_FI_DEV_GPU_TEMP",\
                                    "timestamp":"2026-11-22T10:00:00.123456Z","value":41.0}
                                    """)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "UnknownGpu")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    public void stream(
            @Parameter(ref = "uuid") @PathParam("uuid") String uuid,
            @Parameter(ref = "metric") @QueryParam("metric") List<String> metric,
            @Parameter(ref = LiveStreams.LAST_EVENT_ID) @HeaderParam(LiveStreams.LAST_EVENT_ID) String lastEventId,
            @Context HttpServletRequest request,
            // Suspended, so that JAX-RS leaves the response to the stream, which writes it without blocking.
            @Suspended AsyncResponse response)
            throws IOException {
        lookup.known(uuid);
        var metrics = new LinkedHashSet<>(QueryParameters.metrics(metric, catalog::metricNames));
        StreamPosition after = null;
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                after = StreamPosition.parse(lastEventId.strip());
            } catch (IllegalArgumentException e) {
                throw LiveStreams.badLastEventId(e);
            }
            if (after.partition() != feed.partitionOf(uuid)) {
                throw LiveStreams.badLastEventId(
                        new IllegalArgumentException("event id " + lastEventId + " is not of this GPU's stream"));
            }
        }
        LiveStreams.start(Subscriber.ofGpu(feed, uuid, metrics, after), request, response);
    }
}
