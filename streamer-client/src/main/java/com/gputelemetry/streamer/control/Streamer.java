package com.gputelemetry.streamer.control;

import com.gputelemetry.streamer.entity.Batch;
import com.gputelemetry.streamer.entity.CsvRow;
import com.gputelemetry.streamer.entity.RowProblem;
import com.gputelemetry.streamer.entity.StreamStats;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Reads the input, stamps each row with the time it is processed, and sends batches one at a time with a pause
 * between them, once or in a loop. One batch in flight per producer keeps each GPU's rows in order and lets the
 * server deduplicate by sequence; it also bounds memory: while the server is away the streamer holds that one batch
 * and reads nothing more. {@link #stop()} ends reading, sends what was read and waits for its acknowledgement for at
 * most the drain timeout.
 */
public class Streamer {

    /** How the rows are paced and batched. */
    public record Settings(
            int batchSize, Duration interval, double rowsPerSecond, boolean loop, Duration drainTimeout) {}

    private final CsvInput input;
    private final BatchSender sender;
    private final ProducerCheckpoint checkpoint;
    private final StreamStats stats;
    private final EventLog log;
    private final Settings settings;
    private final RateLimit rateLimit;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile long drainDeadlineNanos = Long.MAX_VALUE;

    public Streamer(
            CsvInput input,
            BatchSender sender,
            ProducerCheckpoint checkpoint,
            StreamStats stats,
            EventLog log,
            Settings settings) {
        this.input = input;
        this.sender = sender;
        this.checkpoint = checkpoint;
        this.stats = stats;
        this.log = log;
        this.settings = settings;
        this.rateLimit = new RateLimit(settings.rowsPerSecond());
    }

    /** Stops reading; the batch being filled is still sent, within the drain timeout. */
    public void stop() {
        if (stopped.getCount() > 0) {
            drainDeadlineNanos = System.nanoTime() + settings.drainTimeout().toNanos();
            stopped.countDown();
        }
    }

    public boolean isStopping() {
        return stopped.getCount() == 0;
    }

    /**
     * @throws ServerUnreachableException when a batch could not be delivered within the retry budget
     * @throws ServerRefusedException when the server refuses this streamer altogether
     */
    public void run() throws IOException {
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
        do {
            try (CsvInput.Pass pass = input.open()) {
                streamOnePass(pass);
            }
        } while (settings.loop() && !isStopping() && pause());
    }

    private void streamOnePass(CsvInput.Pass pass) throws IOException {
        Batch batch = new Batch(checkpoint.nextSequence());
        List<CsvRow> rows = new ArrayList<>(settings.batchSize());
        while (awaitTurn()) {
            CsvRow row = pass.next(this::report);
            if (row == null) {
                break;
            }
            stats.read();
            batch.add(row, Instant.now());
            rows.add(row);
            if (batch.size() == settings.batchSize()) {
                send(batch, rows);
                batch = new Batch(checkpoint.nextSequence());
                rows.clear();
                if (!pause()) {
                    break;
                }
            }
        }
        if (!batch.isEmpty()) {
            send(batch, rows);
        }
    }

    private boolean awaitTurn() {
        try {
            return !isStopping() && rateLimit.awaitTurn(stopped);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void send(Batch batch, List<CsvRow> rows) {
        checkpoint.sending(batch);
        long sent = System.nanoTime();
        IngestReply reply = sender.send(batch, () -> System.nanoTime() > drainDeadlineNanos);
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

    private void report(RowProblem problem) {
        stats.read();
        stats.rejected(1);
        log.log(
                "rejected",
                "source",
                problem.source(),
                "line",
                Long.toString(problem.line()),
                "reason",
                problem.reason());
    }

    /** Waits the interval; false when a stop came meanwhile. */
    private boolean pause() {
        try {
            return !stopped.await(settings.interval().toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
