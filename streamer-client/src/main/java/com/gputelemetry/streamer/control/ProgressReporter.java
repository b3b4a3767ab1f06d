package com.gputelemetry.streamer.control;

import com.gputelemetry.streamer.entity.StreamStats;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Shows the running figures: a live line every second on a terminal, otherwise a JSON log line every 10 s. */
public final class ProgressReporter implements AutoCloseable {

    private final StreamStats stats;
    private final EventLog log;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "progress");
        thread.setDaemon(true);
        return thread;
    });
    private long lastRows;
    private long lastNanos = System.nanoTime();

    private ProgressReporter(StreamStats stats, EventLog log) {
        this.stats = stats;
        this.log = log;
    }

    public static ProgressReporter start(StreamStats stats, EventLog log) {
        var reporter = new ProgressReporter(stats, log);
        long period = log.terminal() ? 1 : 10;
        reporter.timer.scheduleAtFixedRate(reporter::report, period, period, TimeUnit.SECONDS);
        return reporter;
    }

    private synchronized void report() {
        long now = System.nanoTime();
        long rows = stats.rowsRead();
        double rowsPerSecond = (rows - lastRows) / ((now - lastNanos) / 1e9);
        lastRows = rows;
        lastNanos = now;
        if (log.terminal()) {
            log.status(stats.progressLine(rowsPerSecond));
        } else {
            log.raw(stats.progressJson(rowsPerSecond));
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        if (log.terminal()) {
            report();
            log.endStatus();
        }
    }
}
