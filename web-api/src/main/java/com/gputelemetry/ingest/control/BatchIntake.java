package com.gputelemetry.ingest.control;

import com.gputelemetry.DatabaseOutage;
import com.gputelemetry.ingest.entity.IngestReceipt;
import com.gputelemetry.ingest.entity.Source;
import com.gputelemetry.ingest.entity.Transport;
import com.gputelemetry.queue.boundary.MessageQueue;
import com.gputelemetry.queue.boundary.PartitionedMessage;
import com.gputelemetry.queue.boundary.PublishReceipt;
import com.gputelemetry.queue.boundary.QueueFullException;
import com.gputelemetry.queue.control.Partitioner;
import com.gputelemetry.telemetry.entity.TelemetryRow;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;

/**
 * What every ingest transport does with a batch: check the producer's id and sequence, read the CSV, group the
 * accepted rows by the partition of their GPU and append them to the queue durably, in one transaction with the
 * sequence.
 */
@ApplicationScoped
public class BatchIntake {

    private static final Logger LOG = Logger.getLogger(BatchIntake.class.getName());
    private static final long RETRY_AFTER_UNAVAILABLE_SECONDS = 5;
    /** Half the log's 1 MB record, so that an estimate on the safe side always fits. */
    static final int MESSAGE_CHARS = 500_000;

    @EJB
    MessageQueue queue;

    @Inject
    Pushbacks pushbacks;

    @Inject
    IngestFigures figures;

    private final CsvBatchReader reader = new CsvBatchReader();

    /**
     * @param bodyBytes the body's size as received
     * @throws IngestRefusal when the whole batch is refused: nothing was stored
     */
    public IngestReceipt take(
            Transport transport,
            String producerId,
            String sequenceText,
            String sourceText,
            String body,
            long bodyBytes) {
        long arrived = System.nanoTime();
        Source source = Source.ofProducer(sourceText);
        if (source == null) {
            throw IngestRefusal.badParameter(
                    transport.sourceParameter(),
                    "the " + transport.sourceParameter() + " is csv (the default) or scrape, not '" + sourceText + "'");
        }
        String producerParameter = transport.producerParameter();
        if (producerId == null
                || producerId.isBlank()
                || producerId.length() > 200
                || producerId.startsWith(MessageQueue.ONCE_PREFIX)) {
            throw IngestRefusal.badParameter(
                    producerParameter,
                    "the " + producerParameter + " is required (1-200 characters, not starting with '"
                            + MessageQueue.ONCE_PREFIX + "')");
        }
        long sequence = sequence(transport.sequenceParameter(), sequenceText);
        pushbacks.arrived(producerId);
        CsvBatch batch;
        try {
            batch = reader.read(body);
        } catch (InvalidCsvException e) {
            throw IngestRefusal.badParameter("body", e.getMessage());
        }
        PublishReceipt receipt = append(
                producerId,
                "batch " + sequence + " of " + producerId,
                messages -> queue.publish(TelemetryRow.TOPIC, producerId, sequence, messages),
                batch.rows());
        figures.acknowledged(
                transport,
                source,
                bodyBytes,
                batch.rows().size(),
                batch.rejections().size(),
                receipt.duplicate(),
                arrived);
        return IngestReceipt.of(batch.rows().size(), receipt.duplicate(), batch.rejections());
    }

    /**
     * Appends rows that came as one request a client retries whole, known by {@code batchKey} (a digest of the
     * request): the same request again is acknowledged as a duplicate and not stored twice.
     *
     * @throws IngestRefusal when the rows could not be stored now: nothing was
     */
    public PublishReceipt takeOnce(String batchKey, List<TelemetryRow> rows) {
        String producer = MessageQueue.ONCE_PREFIX + batchKey;
        pushbacks.arrived(producer);
        return append(
                producer,
                "request " + batchKey,
                messages -> queue.publishOnce(TelemetryRow.TOPIC, batchKey, messages),
                rows);
    }

    private PublishReceipt append(
            String producer,
            String what,
            Function<List<PartitionedMessage>, PublishReceipt> publish,
            List<TelemetryRow> rows) {
        try {
            return publish.apply(messages(rows));
        } catch (QueueFullException e) {
            pushbacks.refused(producer, e.retryAfterSeconds());
            throw IngestRefusal.overloaded(e.getMessage(), e.retryAfterSeconds());
        } catch (EJBException e) {
            if (DatabaseOutage.causes(e)) {
                LOG.log(Level.WARNING, "could not append " + what + ": database away", e);
                throw IngestRefusal.unavailable(RETRY_AFTER_UNAVAILABLE_SECONDS);
            }
            if (UniqueKeyClash.causes(e)) {
                // The same producer's first batch twice at once: one of them stored it; this one's retry will be
                // acknowledged as the duplicate it is.
                LOG.log(Level.INFO, "{0} arrived twice at the same moment; the second asked to retry", what);
                throw IngestRefusal.unavailable(1);
            }
            throw e; // a bug: a 500 with an incident id, not a retry for the producer's whole retry budget
        }
    }

    private List<PartitionedMessage> messages(List<TelemetryRow> rows) {
        Partitioner partitioner = queue.partitioner(TelemetryRow.TOPIC);
        Map<Integer, List<TelemetryRow>> byPartition = rows.stream()
                .collect(Collectors.groupingBy(
                        row -> partitioner.partitionOf(row.uuid()), TreeMap::new, Collectors.toList()));
        List<PartitionedMessage> messages = new ArrayList<>();
        byPartition.forEach((partition, partitionRows) -> {
            // A log record holds at most 1 MB: a batch with many rows of few GPUs becomes several records.
            List<TelemetryRow> chunk = new ArrayList<>();
            int chunkChars = 0;
            for (TelemetryRow row : partitionRows) {
                int rowChars = row.payloadCharsAtMost();
                if (!chunk.isEmpty() && chunkChars + rowChars > MESSAGE_CHARS) {
                    messages.add(new PartitionedMessage(partition, TelemetryRow.toPayload(chunk)));
                    chunk = new ArrayList<>();
                    chunkChars = 0;
                }
                chunk.add(row);
                chunkChars += rowChars;
            }
            messages.add(new PartitionedMessage(partition, TelemetryRow.toPayload(chunk)));
        });
        return messages;
    }

    private static long sequence(String parameter, String text) {
        try {
            long sequence = Long.parseLong(text == null ? "" : text.strip());
            if (sequence >= 0) {
                return sequence;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw IngestRefusal.badParameter(parameter, "the " + parameter + " must be a non-negative integer");
    }
}
