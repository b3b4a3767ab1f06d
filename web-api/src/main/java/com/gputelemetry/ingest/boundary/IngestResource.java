package com.gputelemetry.ingest.boundary;

import com.gputelemetry.Problem;
import com.gputelemetry.ingest.control.CsvBatch;
import com.gputelemetry.ingest.control.CsvBatchReader;
import com.gputelemetry.ingest.control.InvalidCsvException;
import com.gputelemetry.ingest.entity.TelemetryRow;
import com.gputelemetry.queue.boundary.MessageQueue;
import com.gputelemetry.queue.boundary.PartitionedMessage;
import com.gputelemetry.queue.boundary.PublishReceipt;
import com.gputelemetry.queue.boundary.QueueFullException;
import com.gputelemetry.queue.control.Partitioner;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
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
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.openapi.annotations.Operation;
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
@Tag(name = "ingest")
public class IngestResource {

    private static final Logger LOG = Logger.getLogger(IngestResource.class.getName());
    private static final String RETRY_AFTER_SECONDS = "5";

    @EJB
    MessageQueue queue;

    @Inject
    @ConfigProperty(name = "ingest.max-batch-bytes", defaultValue = "16777216")
    int maxBatchBytes;

    private final CsvBatchReader reader = new CsvBatchReader();

    @POST
    @Consumes({"text/csv", MediaType.TEXT_PLAIN})
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(
            summary = "Ingest a batch of telemetry rows",
            description = "Answers once the accepted rows are durable. Rows that cannot be used are listed with their "
                    + "line number and skipped; the rest are accepted. A batch re-sent with the same producer id and "
                    + "sequence is acknowledged as a duplicate and not stored again.")
    @RequestBody(
            content =
                    @Content(
                            mediaType = "text/csv",
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
                            schema = @Schema(implementation = IngestReceipt.class),
                            examples =
                                    @ExampleObject(
                                            name = "one bad row",
                                            value =
                                                    "{\"accepted\":2469,\"duplicate\":false,\"rejected\":[{\"line\":17,\"reason\":\"value is not a number: 'n/a'\"}]}")))
    @APIResponse(
            responseCode = "400",
            description = "Missing producer headers or no usable CSV header",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "413",
            description = "The body is larger than the configured maximum",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "429",
            description = "Backpressure: the collectors are too far behind; nothing was stored, retry the same batch "
                    + "after Retry-After seconds",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(
            responseCode = "503",
            description = "The queue cannot store the batch now; retry after the given seconds",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
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
            InputStream body) {
        if (producerId == null || producerId.isBlank() || producerId.length() > 200) {
            throw Problem.badParameter("Producer-Id", "the Producer-Id header is required (1-200 characters)");
        }
        long sequence = sequence(producerSequence);
        CsvBatch batch;
        try {
            batch = reader.read(readBody(body));
        } catch (InvalidCsvException e) {
            throw Problem.badParameter("body", e.getMessage());
        }
        PublishReceipt receipt;
        try {
            receipt = queue.publish(TelemetryRow.TOPIC, producerId, sequence, messages(batch.rows()));
        } catch (QueueFullException e) {
            return new Problem("about:blank", "Too Many Requests", 429, e.getMessage(), null)
                    .toResponse()
                    .header("Retry-After", Long.toString(e.retryAfterSeconds()))
                    .build();
        } catch (EJBException e) {
            LOG.log(Level.WARNING, "could not append batch " + sequence + " of " + producerId, e);
            return new Problem(
                            "about:blank",
                            "Service Unavailable",
                            503,
                            "the queue could not store the batch; retry the same batch later",
                            null)
                    .toResponse()
                    .header("Retry-After", RETRY_AFTER_SECONDS)
                    .build();
        }
        return Response.ok(new IngestReceipt(batch.rows().size(), receipt.duplicate(), batch.rejections()))
                .build();
    }

    private List<PartitionedMessage> messages(List<TelemetryRow> rows) {
        Partitioner partitioner = queue.partitioner(TelemetryRow.TOPIC);
        Map<Integer, List<TelemetryRow>> byPartition = rows.stream()
                .collect(Collectors.groupingBy(
                        row -> partitioner.partitionOf(row.uuid()), TreeMap::new, Collectors.toList()));
        return byPartition.entrySet().stream()
                .map(e -> new PartitionedMessage(e.getKey(), TelemetryRow.toPayload(e.getValue())))
                .toList();
    }

    private static long sequence(String text) {
        try {
            long sequence = Long.parseLong(text == null ? "" : text.strip());
            if (sequence >= 0) {
                return sequence;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw Problem.badParameter("Producer-Sequence", "the Producer-Sequence header must be a non-negative integer");
    }

    private String readBody(InputStream body) {
        try {
            byte[] bytes = body.readNBytes(maxBatchBytes + 1);
            if (bytes.length > maxBatchBytes) {
                throw new WebApplicationException(new Problem(
                                "about:blank",
                                "Content Too Large",
                                413,
                                "a batch may be at most " + maxBatchBytes + " bytes; send smaller batches",
                                "body")
                        .toResponse()
                        .build());
            }
            return new String(bytes, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw Problem.badParameter("body", "the request body could not be read: " + e.getMessage());
        }
    }
}
