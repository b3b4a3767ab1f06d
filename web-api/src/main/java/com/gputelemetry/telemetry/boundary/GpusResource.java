package com.gputelemetry.telemetry.boundary;

import com.gputelemetry.Problem;
import com.gputelemetry.telemetry.control.GpuCatalog;
import com.gputelemetry.telemetry.control.GpuLookup;
import com.gputelemetry.telemetry.entity.Gpu;
import com.gputelemetry.telemetry.entity.GpuWorkload;
import com.gputelemetry.telemetry.entity.PrometheusLabels;
import com.gputelemetry.telemetry.entity.TelemetryPoint;
import com.gputelemetry.telemetry.entity.Workload;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The GPUs that have reported telemetry: the list, one GPU, and its time series as pages or as a whole export. */
@Path("gpus")
@ApplicationScoped
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "gpus", description = "GPUs and their telemetry")
public class GpusResource {

    /** Labels that are promoted to fields of their own or that belong to one row, not to the GPU. */
    private static final List<String> NOT_GPU_LABELS = List.of("__name__", "DCGM_FI_DRIVER_VERSION");

    @EJB
    GpuCatalog catalog;

    @Inject
    GpuLookup lookup;

    @GET
    @Operation(
            operationId = "listGpus",
            summary = "List the GPUs that have telemetry",
            description = "A GPU is identified by its UUID; gpuIndex (0-7) repeats on every host. Ordered by hostname, "
                    + "then GPU index. Filters are exact but case-insensitive. Pass nextCursor back as cursor for "
                    + "the next page; it is null on the last page.")
    @APIResponse(
            responseCode = "200",
            description = "A page of GPUs",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(ref = "GpuPage"),
                            examples = @ExampleObject(name = "one GPU", value = Examples.GPU_PAGE)))
    @APIResponse(responseCode = "400", ref = "BadPaging")
    public Page<Gpu> gpus(
            @Parameter(ref = "hostname") @QueryParam("hostname") String hostname,
            @Parameter(
                            description = "Only GPUs of this model (exact, case-insensitive)",
                            example = "NVIDIA H100 80GB HBM3")
                    @QueryParam("model")
                    String model,
            @Parameter(ref = "namespace") @QueryParam("namespace") String namespace,
            @Parameter(ref = "pod") @QueryParam("pod") String pod,
            @Parameter(ref = "limit") @QueryParam("limit") @DefaultValue("1000") String limit,
            @Parameter(ref = "cursor") @QueryParam("cursor") String cursor) {
        int pageSize = QueryParameters.limit(limit);
        GpuLookup.Slice slice = lookup.slice(
                blankToNull(hostname),
                blankToNull(model),
                blankToNull(namespace),
                blankToNull(pod),
                QueryParameters.gpuCursor(cursor),
                pageSize);
        return new Page<>(slice.gpus(), slice.nextCursor());
    }

    @GET
    @Path("{uuid}")
    @Operation(
            operationId = "getGpu",
            summary = "One GPU",
            description = "Identity, placement, first and last report, the driver version and the other labels of "
                    + "the exporter, and the latest value of each metric the GPU has reported.")
    @APIResponse(
            responseCode = "200",
            description = "The GPU",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(ref = "GpuDetail"),
                            examples = @ExampleObject(name = "an H100", value = Examples.GPU_DETAIL)))
    @APIResponse(responseCode = "404", ref = "UnknownGpu")
    public GpuDetail gpu(@Parameter(ref = "uuid") @PathParam("uuid") String uuid) {
        Gpu gpu = lookup.known(uuid);
        Map<String, TelemetryPoint> newest =
                catalog.latest(List.of(gpu), gpu.metricNames()).getOrDefault(uuid, Map.of());
        return new GpuDetail(
                gpu.getUuid(),
                gpu.getHostname(),
                gpu.getGpuIndex(),
                gpu.getDevice(),
                gpu.getModel(),
                gpu.getFirstSeen(),
                gpu.getLastSeen(),
                driverVersion(gpu),
                labels(gpu),
                catalog.workloads(uuid),
                GpuDetail.LatestValue.of(gpu.metricNames(), newest));
    }

    /** The exporter's labels of the GPU, without those that have fields of their own or belong to a workload. */
    public static Map<String, String> labels(Gpu gpu) {
        Map<String, String> labels = new TreeMap<>(PrometheusLabels.parse(gpu.rawLabels()));
        NOT_GPU_LABELS.forEach(labels::remove);
        Workload.LABELS.forEach(labels::remove);
        return labels;
    }

    public static String driverVersion(Gpu gpu) {
        return PrometheusLabels.parse(gpu.rawLabels()).get("DCGM_FI_DRIVER_VERSION");
    }

    @GET
    @Path("{uuid}/telemetry")
    @Operation(
            operationId = "getGpuTelemetry",
            summary = "One GPU's telemetry, a page at a time",
            description = "Ascending by time (order=desc for newest first). Both bounds are inclusive: a point stamped "
                    + "exactly start_time or end_time is included. Pages hold at most 'limit' points; pass nextCursor "
                    + "back as cursor for the next page. The cursor is a position in the series, so paging is stable "
                    + "while new points arrive: no point is repeated or skipped, and points newer than the last page "
                    + "appear on later pages. With Accept text/csv or application/x-ndjson the whole selection is "
                    + "streamed instead, without limit or cursor.")
    @APIResponse(
            responseCode = "200",
            description = "A page of the GPU's points (no items when the window holds none), or the whole selection as "
                    + "CSV or NDJSON",
            content = {
                @Content(
                        mediaType = MediaType.APPLICATION_JSON,
                        schema = @Schema(ref = "Series"),
                        examples = @ExampleObject(name = "two points", value = Examples.SERIES)),
                @Content(
                        mediaType = SeriesExport.CSV,
                        schema = @Schema(type = SchemaType.STRING),
                        examples = @ExampleObject(name = "CSV", value = Examples.SERIES_CSV)),
                @Content(
                        mediaType = SeriesExport.NDJSON,
                        schema = @Schema(type = SchemaType.STRING),
                        examples = @ExampleObject(name = "NDJSON", value = Examples.SERIES_NDJSON))
            })
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "404", ref = "UnknownGpu")
    @Produces({
        MediaType.APPLICATION_JSON,
        Problem.MEDIA_TYPE,
        SeriesExport.CSV + ";qs=0.5",
        SeriesExport.NDJSON + ";qs=0.5"
    })
    public Response telemetry(
            @Context HttpHeaders headers,
            @Parameter(ref = "uuid") @PathParam("uuid") String uuid,
            @Parameter(
                            description = "Earliest time, inclusive (RFC 3339); default: the beginning",
                            schema = @Schema(type = SchemaType.STRING, format = "date-time"),
                            example = "2026-11-22T10:00:00Z")
                    @QueryParam("start_time")
                    String startTime,
            @Parameter(
                            description = "Latest time, inclusive (RFC 3339); default: no end",
                            schema = @Schema(type = SchemaType.STRING, format = "date-time"),
                            example = "2026-11-22T11:00:00Z")
                    @QueryParam("end_time")
                    String endTime,
            @Parameter(ref = "metric") @QueryParam("metric") List<String> metric,
            @Parameter(
                            description = "asc for oldest first, desc for newest first",
                            schema =
                                    @Schema(
                                            enumeration = {"asc", "desc"},
                                            defaultValue = "asc"))
                    @QueryParam("order")
                    @DefaultValue("asc")
                    String order,
            @Parameter(ref = "namespace") @QueryParam("namespace") String namespace,
            @Parameter(ref = "pod") @QueryParam("pod") String pod,
            @Parameter(ref = "limit") @QueryParam("limit") @DefaultValue("1000") String limit,
            @Parameter(ref = "cursor") @QueryParam("cursor") String cursor) {
        SeriesQuery query = ofWorkloads(
                uuid,
                blankToNull(namespace),
                blankToNull(pod),
                SeriesQuery.of(startTime, endTime, metric, order, catalog::metricNames));
        String export = exportType(headers.getAcceptableMediaTypes());
        if (export == null) {
            return Response.ok(page(uuid, query.page(limit, cursor)))
                    .type(MediaType.APPLICATION_JSON_TYPE)
                    .build();
        }
        lookup.known(uuid);
        return Response.ok(new SeriesExport(catalog, uuid, query, export))
                .type(export + "; charset=utf-8")
                .build();
    }

    /** One page of a GPU's series, as {@code GET /gpus/{uuid}/telemetry} answers it in JSON. */
    public Series page(
            String uuid,
            String startTime,
            String endTime,
            List<String> metric,
            String order,
            String limit,
            String cursor) {
        return page(
                uuid,
                SeriesQuery.of(startTime, endTime, metric, order, catalog::metricNames)
                        .page(limit, cursor));
    }

    private Series page(String uuid, SeriesQuery query) {
        lookup.known(uuid);
        if (query.selectsNothing()) {
            return query.series(uuid, List.of());
        }
        return query.series(
                uuid,
                catalog.series(
                        uuid,
                        query.window().fromMicros(),
                        query.window().toMicros(),
                        query.metrics(),
                        query.workloadIds(),
                        query.after(),
                        query.limit() + 1));
    }

    /** The query narrowed to the workloads of the GPU with this namespace and pod, when either is given. */
    private SeriesQuery ofWorkloads(String uuid, String namespace, String pod, SeriesQuery query) {
        if (namespace == null && pod == null) {
            return query;
        }
        return query.ofWorkloads(catalog.workloads(uuid).stream()
                .filter(w -> (namespace == null || w.getNamespace().equals(namespace))
                        && (pod == null || w.getPod().equals(pod)))
                .map(GpuWorkload::getWorkloadId)
                .toList());
    }

    /** The export type the client prefers to JSON, if any: the Accept header's first type that names one. */
    private static String exportType(List<MediaType> acceptable) {
        for (MediaType type : acceptable) {
            if (type.isCompatible(MediaType.valueOf(SeriesExport.CSV)) && !type.isWildcardType()) {
                return SeriesExport.CSV;
            }
            if (type.isCompatible(MediaType.valueOf(SeriesExport.NDJSON))
                    && !type.isWildcardType()
                    && !type.isWildcardSubtype()) {
                return SeriesExport.NDJSON;
            }
            if (type.isCompatible(MediaType.APPLICATION_JSON_TYPE)) {
                return null;
            }
        }
        return null;
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text.strip();
    }
}
