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
 * Reads the CSV, stamps each row with the time it is processed, and sends batches one at a time with a pause
 * between them, once or in a loop. {@link #stop()} ends it after the batch in flight.
 */
public class Streamer {

    private static final Duration PROGRESS_EVERY = Duration.ofSeconds(10);

    /** Opens the input anew for each pass over it. */
    @FunctionalInterface
    public interface Input {
        CsvRowReader open() throws IOException;
    }

    private final Input input;
    private final BatchPoster poster;
    private final StreamStats stats;
    private final EventLog log;
    private final int batchSize;
    private final Duration interval;
    private final boolean loop;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private long nextSequence;
    private long lastProgressNanos = System.nanoTime();

    public Streamer(
            Input input,
            BatchPoster poster,
            StreamStats stats,
            EventLog log,
            int batchSize,
            Duration interval,
            boolean loop) {
        this.input = input;
        this.poster = poster;
        this.stats = stats;
        this.log = log;
        this.batchSize = batchSize;
        this.interval = interval;
        this.loop = loop;
    }

    public void stop() {
        stopped.countDown();
    }

    public boolean isStopping() {
        return stopped.getCount() == 0;
    }

    /** @throws ServerUnreachableException when a batch could not be delivered within the retry budget */
    public void run() throws IOException {
        do {
            try (CsvRowReader reader = input.open()) {
                streamOnePass(reader);
            }
        } while (loop && !isStopping() && pause());
    }

    private void streamOnePass(CsvRowReader reader) {
        Batch batch = new Batch(nextSequence);
        List<CsvRow> rows = new ArrayList<>(batchSize);
        CsvRow row;
        while (!isStopping() && (row = reader.next(this::report)) != null) {
            stats.read();
            batch.add(row, Instant.now());
            rows.add(row);
            if (batch.size() == batchSize) {
                send(batch, rows);
                batch = new Batch(nextSequence);
                rows.clear();
                if (!pause()) {
                    return;
                }
            }
        }
        if (!batch.isEmpty()) {
            send(batch, rows);
        }
    }

    private void send(Batch batch, List<CsvRow> rows) {
        IngestReply reply = poster.post(batch, this::isStopping);
        nextSequence = batch.sequence() + 1;
        stats.acknowledged(reply.accepted());
        stats.rejected(reply.rejectedRows());
        for (IngestReply.Rejection rejection : reply.rejected()) {
            // Body line 1 is the header, so body line n carries the batch's row n - 2.
            int index = (int) rejection.bodyLine() - 2;
            String line = index >= 0 && index < rows.size()
                    ? Long.toString(rows.get(index).line())
                    : "batch";
            log.log("rejected-by-server", "line", line, "reason", rejection.reason());
        }
        if (System.nanoTime() - lastProgressNanos >= PROGRESS_EVERY.toNanos()) {
            lastProgressNanos = System.nanoTime();
            log.raw(stats.toJson("progress"));
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
            return !stopped.await(interval.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
