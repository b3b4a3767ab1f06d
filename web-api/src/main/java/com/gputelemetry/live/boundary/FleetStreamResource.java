package com.gputelemetry.live.boundary;

import com.gputelemetry.Problem;
import com.gputelemetry.live.control.LiveFeed;
import com.gputelemetry.live.control.Subscriber;
import com.gputelemetry.live.entity.FleetCheckpoint;
import com.gputelemetry.telemetry.boundary.QueryParameters;
import com.gputelemetry.telemetry.control.GpuCatalog;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.Path;
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

/** Every GPU's new points as they are stored, pushed as Server-Sent Events: the fleet overview's feed. */
@Path("telemetry/stream")
@RequestScoped
@Tag(name = "telemetry", description = "The whole fleet's telemetry")
public class FleetStreamResource {

    @Inject
    LiveFeed feed;

    @EJB
    GpuCatalog catalog;

    @GET
    @Produces({MediaType.SERVER_SENT_EVENTS, Problem.MEDIA_TYPE})
    @Operation(
            operationId = "streamFleetTelemetry",
            summary = "Every GPU's new points, pushed as they are stored (Server-Sent Events)",
            description = "Events named 'point' (data: uuid, hostname, metric, timestamp, value), each GPU's in "
                    + "order; after each round of points an event named 'checkpoint' whose id is the stream's "
                    + "position in every partition. Send it back as Last-Event-ID (browsers do it on reconnecting) "
                    + "to get every later point; points after the checkpoint that had already arrived come again. "
                    + "Where the queue no longer keeps the records after the checkpoint (QUEUE_RETENTION_MINUTES), an "
                    + "event named 'gap' (data: partition, from, to) says which are missing from the resumed stream. "
                    + "Points of all servers sharing the database are included. A client that falls far behind is "
                    + "disconnected; it resumes with its last checkpoint. Try: curl -N "
                    + "http://localhost:8080/api/v1/telemetry/stream")
    @APIResponse(
            responseCode = "200",
            description = "An endless stream of events",
            content =
                    @Content(
                            mediaType = MediaType.SERVER_SENT_EVENTS,
                            schema = @Schema(type = SchemaType.STRING),
                            examples =
                                    @ExampleObject(
                                            name = "a point and a checkpoint",
                                            value =
                                                    """
                                    event: point
                                    data: {"uuid":"GPU-5fd4f087-86f3-7a43-b711-4771313afc50",\
                                    "hostname":"mtv5-dgx1-hgpu-031","metric":"DCGM_FI_DEV_GPU_TEMP",\
                                    "timestamp":"2026-11-22T10:00:00.123456Z","value":41.0}

                                    event: checkpoint
                                    id: v1.120.98.131.77
                                    data: {}
                                    """)))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    public void stream(
            @Parameter(ref = "hostname") @QueryParam("hostname") String hostname,
            @Parameter(ref = "metric") @QueryParam("metric") List<String> metric,
            @Parameter(ref = LiveStreams.LAST_EVENT_ID) @HeaderParam(LiveStreams.LAST_EVENT_ID) String lastEventId,
            @Context HttpServletRequest request,
            // Suspended, so that JAX-RS leaves the response to the stream, which writes it without blocking.
            @Suspended AsyncResponse response)
            throws IOException {
        var metrics = new LinkedHashSet<>(QueryParameters.metrics(metric, catalog::metricNames));
        FleetCheckpoint after = null;
        if (lastEventId != null && !lastEventId.isBlank()) {
            try {
                after = FleetCheckpoint.parse(lastEventId.strip(), feed.partitions());
            } catch (IllegalArgumentException e) {
                throw LiveStreams.badLastEventId(e);
            }
        }
        LiveStreams.start(
                Subscriber.ofFleet(feed, hostname == null || hostname.isBlank() ? null : hostname, metrics, after),
                request,
                response);
    }
}
