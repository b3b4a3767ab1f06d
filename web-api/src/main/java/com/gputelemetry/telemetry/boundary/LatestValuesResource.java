package com.gputelemetry.telemetry.boundary;

import com.gputelemetry.Problem;
import com.gputelemetry.telemetry.control.GpuCatalog;
import com.gputelemetry.telemetry.control.GpuLookup;
import com.gputelemetry.telemetry.entity.Gpu;
import com.gputelemetry.telemetry.entity.TelemetryPoint;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The fleet at a glance: every GPU with the latest value of the metrics asked for. */
@Path("telemetry/latest")
@ApplicationScoped
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "telemetry", description = "The whole fleet's telemetry")
public class LatestValuesResource {

    /** At most this many GPUs a page: the newest values of their series are read down each series' key. */
    private static final int MAX_GPUS = 1000;

    @EJB
    GpuCatalog catalog;

    @Inject
    GpuLookup lookup;

    @GET
    @Operation(
            operationId = "listLatestValues",
            summary = "Every GPU with the latest value of some metrics",
            description = "GPUs in the order of the GPU list (hostname, index), a page at a time, each with the "
                    + "newest point of each metric asked for (absent when the GPU has none).")
    @APIResponse(
            responseCode = "200",
            description = "A page of GPUs with their latest values",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "LatestPage")))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    public LatestPage latest(
            @Parameter(ref = "metric") @QueryParam("metric") List<String> metric,
            @Parameter(ref = "hostname") @QueryParam("hostname") String hostname,
            @Parameter(
                            description = "Most GPUs in one page (1-1000)",
                            schema =
                                    @Schema(
                                            type = SchemaType.INTEGER,
                                            minimum = "1",
                                            maximum = "1000",
                                            defaultValue = "100"))
                    @QueryParam("limit")
                    @DefaultValue("100")
                    String limit,
            @Parameter(ref = "cursor") @QueryParam("cursor") String cursor) {
        List<String> metrics = QueryParameters.metrics(metric, catalog::metricNames);
        if (metrics.isEmpty()) {
            metrics = List.copyOf(catalog.metricNames());
        }
        int pageSize = QueryParameters.limit(limit, MAX_GPUS);
        GpuLookup.Slice slice = lookup.slice(
                hostname == null || hostname.isBlank() ? null : hostname,
                null,
                QueryParameters.gpuCursor(cursor),
                pageSize);
        List<Gpu> gpus = slice.gpus();
        Map<String, Map<String, TelemetryPoint>> latest = catalog.latest(gpus, metrics);
        List<GpuLatest> items = new ArrayList<>();
        for (Gpu gpu : gpus) {
            Map<String, TelemetryPoint> values = latest.getOrDefault(gpu.getUuid(), Map.of());
            items.add(new GpuLatest(
                    gpu.getUuid(),
                    gpu.getHostname(),
                    gpu.getGpuIndex(),
                    gpu.getModel(),
                    gpu.getLastSeen(),
                    GpuDetail.LatestValue.of(metrics, values)));
        }
        return new LatestPage(items, slice.nextCursor());
    }

    /** A GPU of the fleet with its latest values. */
    @JsonbPropertyOrder({"uuid", "hostname", "gpuIndex", "model", "lastSeen", "latest"})
    public record GpuLatest(
            String uuid,
            String hostname,
            int gpuIndex,
            String model,
            String lastSeen,
            List<GpuDetail.LatestValue> latest) {}

    /** A page of the fleet; nextCursor is null on the last. */
    public record LatestPage(List<GpuLatest> items, String nextCursor) {}
}
