package com.gputelemetry.telemetry.boundary;

import com.gputelemetry.Problem;
import com.gputelemetry.telemetry.control.GpuCatalog;
import com.gputelemetry.telemetry.control.GpuLookup;
import com.gputelemetry.telemetry.entity.Gpu;
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
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The hosts whose GPUs have reported telemetry. */
@Path("hosts")
@ApplicationScoped
@Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
@Tag(name = "hosts", description = "Hosts and their GPUs")
public class HostsResource {

    @EJB
    GpuCatalog catalog;

    @Inject
    GpuLookup lookup;

    @GET
    @Operation(
            operationId = "listHosts",
            summary = "List the hosts",
            description = "In name order, each with the number of its GPUs.")
    @APIResponse(
            responseCode = "200",
            description = "A page of hosts",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(ref = "HostPage"),
                            examples = @ExampleObject(name = "two hosts", value = Examples.HOSTS)))
    @APIResponse(responseCode = "400", ref = "BadPaging")
    public Page<HostEntry> hosts(
            @Parameter(ref = "limit") @QueryParam("limit") @DefaultValue("1000") String limit,
            @Parameter(ref = "cursor") @QueryParam("cursor") String cursor) {
        int pageSize = QueryParameters.limit(limit);
        List<HostEntry> hosts = catalog.hosts(QueryParameters.hostCursor(cursor), pageSize + 1).stream()
                .map(host -> new HostEntry(host.hostname(), host.gpus()))
                .toList();
        if (hosts.size() > pageSize) {
            List<HostEntry> page = hosts.subList(0, pageSize);
            return new Page<>(
                    page, QueryParameters.toHostCursor(page.get(pageSize - 1).hostname()));
        }
        return new Page<>(hosts, null);
    }

    @GET
    @Path("{hostname}/gpus")
    @Operation(
            operationId = "listHostGpus",
            summary = "The GPUs of one host",
            description = "As GET /gpus?hostname=...: ordered by GPU index, paged the same way.")
    @APIResponse(
            responseCode = "200",
            description = "A page of the host's GPUs",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(ref = "GpuPage"),
                            examples = @ExampleObject(name = "one GPU", value = Examples.GPU_PAGE)))
    @APIResponse(responseCode = "400", ref = "BadPaging")
    @APIResponse(responseCode = "404", ref = "NotFound")
    public Page<Gpu> gpus(
            @Parameter(description = "The host's name (case-insensitive)", example = "mtv5-dgx1-hgpu-031")
                    @PathParam("hostname")
                    String hostname,
            @Parameter(ref = "limit") @QueryParam("limit") @DefaultValue("1000") String limit,
            @Parameter(ref = "cursor") @QueryParam("cursor") String cursor) {
        if (catalog.host(hostname).isEmpty()) {
            throw Problem.notFound("no GPU on host " + hostname + " has reported telemetry");
        }
        int pageSize = QueryParameters.limit(limit);
        GpuLookup.Slice slice = lookup.slice(hostname, null, QueryParameters.gpuCursor(cursor), pageSize);
        return new Page<>(slice.gpus(), slice.nextCursor());
    }
}
