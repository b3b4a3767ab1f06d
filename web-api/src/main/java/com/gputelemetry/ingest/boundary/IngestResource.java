package com.gputelemetry.ingest.boundary;

import com.gputelemetry.Problem;
import com.gputelemetry.ingest.control.BatchIntake;
import com.gputelemetry.ingest.control.IngestRefusal;
import com.gputelemetry.ingest.entity.Transport;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Takes CSV batches from producers, validates every row and appends the accepted ones durably to the queue. */
@Path("ingest")
@RequestScoped
@Tag(name = "ingest", description = "Telemetry intake from the streamer clients")
public class IngestResource {

    @Inject
    BatchIntake intake;

    @Inject
    @ConfigProperty(name = "INGEST_MAX_BATCH_BYTES")
    int maxBatchBytes;

    @POST
    @Consumes({"text/csv", MediaType.TEXT_PLAIN})
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(
            operationId = "ingestBatch",
            summary = "Ingest a batch of telemetry rows",
            description = "Answers once the accepted rows are durable. Rows that cannot be used are listed with their "
                    + "line number and skipped; the rest are accepted. A batch re-sent with the same producer id and "
                    + "sequence is acknowledged as a duplicate and not stored again.")
    @RequestBody(
            required = true,
            content =
                    @Content(
                            mediaType = "text/csv",
                            schema = @Schema(type = SchemaType.STRING),
                            examples =
                                    @ExampleObject(
                                            name = "two rows",
                                            value =
                                                    """
            timestamp,metric_name,gpu_id,device,uuid,modelName,Hostname,value,source_timestamp
            2026-11-22T10:00:00.123456Z,DCGM_FI_DEV_GPU_TEMP,0,nvidia0,GPU-5fd4f087-86f3-7a43-b711-4771313afc50,NVIDIA H100 80GB HBM3,mtv5-dgx1-hgpu-031,41,2025-07-18T20:42:34Z
            2026-11-22T10:00:00.123456Z,DCGM_FI_DEV_POWER_USAGE,0,nvidia0,GPU-5fd4f087-86f3-7a43-b711-4771313afc50,NVIDIA H100 80GB HBM3,mtv5-dgx1-hgpu-031,112.5,2025-07-18T20:42:34Z
            """)))
    @APIResponse(
            responseCode = "200",
            description = "The batch was read; accepted rows are durable",
            content =
                    @Content(
                            mediaType = MediaType.APPLICATION_JSON,
                            schema = @Schema(ref = "IngestReceipt"),
                            examples =
                                    @ExampleObject(
                                            name = "one bad row",
                                            value =
                                                    "{\"accepted\":2469,\"duplicate\":false,\"rejectedCount\":1,\"rejected\":[{\"line\":17,\"reason\":\"value is not a number: 'n/a'\"}]}")))
    @APIResponse(responseCode = "400", ref = "BadRequest")
    @APIResponse(responseCode = "413", description = "The body is larger than the configured maximum")
    @APIResponse(
            responseCode = "429",
            description = "Backpressure: the collectors are too far behind; nothing was stored, retry the same batch "
                    + "after Retry-After seconds")
    @APIResponse(responseCode = "503", ref = "Unavailable")
    public Response ingest(
            @Parameter(
                            description = "Stable id of the producing streamer instance and run",
                            required = true,
                            example = "rack-17-3f9c2a")
                    @HeaderParam("Producer-Id")
                    String producerId,
            @Parameter(
                            description = "Batch number of this producer, increasing; a retry repeats it",
                            required = true,
                            example = "42")
                    @HeaderParam("Producer-Sequence")
                    String producerSequence,
            @Parameter(
                            description = "What the rows were read from: csv (the default) or scrape (dcgm-exporters"
                                    + " the producer scraped); only counted, in the ingest metrics' source label",
                            schema =
                                    @Schema(
                                            enumeration = {"csv", "scrape"},
                                            defaultValue = "csv"))
                    @HeaderParam("Producer-Source")
                    String producerSource,
            InputStream body) {
        try {
            byte[] batch = read(body);
            return Response.ok(intake.take(
                            Transport.HTTP,
                            producerId,
                            producerSequence,
                            producerSource,
                            new String(batch, StandardCharsets.UTF_8),
                            batch.length))
                    .build();
        } catch (IngestRefusal refusal) {
            var response = refusal.problem().toResponse();
            refusal.retryAfterSeconds().ifPresent(seconds -> response.header("Retry-After", Long.toString(seconds)));
            throw new WebApplicationException(refusal.getMessage(), response.build());
        }
    }

    private byte[] read(InputStream body) {
        try {
            byte[] bytes = body.readNBytes(maxBatchBytes + 1);
            if (bytes.length > maxBatchBytes) {
                var tooLarge = new Problem(
                                "about:blank",
                                "Content Too Large",
                                413,
                                "a batch may be at most " + maxBatchBytes + " bytes; send smaller batches",
                                "body")
                        .toResponse();
                if (!OversizedBody.drain(body)) {
                    tooLarge.header("Connection", "close");
                }
                throw new WebApplicationException(tooLarge.build());
            }
            return bytes;
        } catch (IOException e) {
            throw Problem.badParameter("body", "the request body could not be read: " + e.getMessage());
        }
    }
}
