package com.gputelemetry.streamer.control;

import com.gputelemetry.streamer.entity.Batch;
import com.gputelemetry.streamer.entity.CsvRow;
import com.gputelemetry.streamer.entity.StreamStats;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Sends one batch at a time under the producer checkpoint, whatever the rows came from (a CSV file or a scrape): the
 * batch is written down before it is sent and forgotten once acknowledged, so a restart sends it again under the same
 * sequence. After {@link #drainWithin} the sender stops retrying once that time has passed.
 */
public class BatchDelivery {

    private final BatchSender sender;
    private final ProducerCheckpoint checkpoint;
    private final StreamStats stats;
    private final EventLog log;
    private volatile long drainDeadlineNanos = Long.MAX_VALUE;

    public BatchDelivery(BatchSender sender, ProducerCheckpoint checkpoint, StreamStats stats, EventLog log) {
        this.sender = sender;
        this.checkpoint = checkpoint;
        this.stats = stats;
        this.log = log;
    }

    public long nextSequence() {
        return checkpoint.nextSequence();
    }

    /** From now on, batches are retried until {@code timeout} has passed, no longer. */
    public void drainWithin(Duration timeout) {
        drainDeadlineNanos = System.nanoTime() + timeout.toNanos();
    }

    public boolean drainTimeIsUp() {
        return System.nanoTime() > drainDeadlineNanos;
    }

    /** Sends again the batch that was in flight when the previous run under this instance id stopped, if any. */
    public void resendPending() throws IOException {
        Optional<Batch> pending = checkpoint.pending();
        if (pending.isPresent()) {
            log.log(
                    "resending",
                    "sequence",
                    Long.toString(pending.get().sequence()),
                    "rows",
                    Integer.toString(pending.get().size()),
                    "reason",
                    "in flight when the previous run stopped");
            send(pending.get(), List.of());
        }
    }

    /**
     * @param rows the batch's rows in order, to name the ones the server rejects by their source line
     * @throws ServerUnreachableException when the batch could not be delivered within the retry budget
     * @throws ServerRefusedException when the server refuses this streamer altogether
     */
    public void send(Batch batch, List<CsvRow> rows) {
        checkpoint.sending(batch);
        long sent = System.nanoTime();
        IngestReply reply = sender.send(batch, this::drainTimeIsUp);
        checkpoint.acknowledged(batch.sequence());
        stats.acknowledged(reply.accepted(), System.nanoTime() - sent);
        stats.rejected(reply.rejectedRows());
        for (IngestReply.Rejection rejection : reply.rejected()) {
            // Body line 1 is the header, so body line n carries the batch's row n - 2.
            int index = (int) rejection.bodyLine() - 2;
            String line = index >= 0 && index < rows.size()
                    ? Long.toString(rows.get(index).line())
                    : "batch";
            log.log("rejected-by-server", "line", line, "reason", rejection.reason());
        }
    }
}
