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
    /** @param fileTime each row keeps the file's own time (history loaded, backfill) instead of the processing time */
    public record Settings(
            int batchSize,
            Duration interval,
            double rowsPerSecond,
            boolean loop,
            Duration drainTimeout,
            boolean fileTime) {}

    private final CsvInput input;
    private final BatchDelivery delivery;
    private final StreamStats stats;
    private final EventLog log;
    private final Settings settings;
    private final RateLimit rateLimit;
    private final CountDownLatch stopped = new CountDownLatch(1);

    public Streamer(
            CsvInput input,
            BatchSender sender,
            ProducerCheckpoint checkpoint,
            StreamStats stats,
            EventLog log,
            Settings settings) {
        this.input = input;
        this.delivery = new BatchDelivery(sender, checkpoint, stats, log);
        this.stats = stats;
        this.log = log;
        this.settings = settings;
        this.rateLimit = new RateLimit(settings.rowsPerSecond());
    }

    /** Stops reading; the batch being filled is still sent, within the drain timeout. */
    public void stop() {
        if (stopped.getCount() > 0) {
            delivery.drainWithin(settings.drainTimeout());
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
        delivery.resendPending();
        do {
            try (CsvInput.Pass pass = input.open()) {
                streamOnePass(pass);
            }
        } while (settings.loop() && !isStopping() && pause());
    }

    private void streamOnePass(CsvInput.Pass pass) throws IOException {
        Batch batch = new Batch(delivery.nextSequence());
        List<CsvRow> rows = new ArrayList<>(settings.batchSize());
        while (awaitTurn()) {
            CsvRow row = pass.next(this::report);
            if (row == null) {
                break;
            }
            stats.read();
            batch.add(row, settings.fileTime() ? row.fileTime() : Instant.now());
            rows.add(row);
            if (batch.size() == settings.batchSize()) {
                send(batch, rows);
                batch = new Batch(delivery.nextSequence());
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
        delivery.send(batch, rows);
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
