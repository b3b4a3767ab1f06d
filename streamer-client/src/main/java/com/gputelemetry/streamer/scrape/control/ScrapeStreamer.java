package com.gputelemetry.streamer.scrape.control;

import com.gputelemetry.streamer.control.BatchDelivery;
import com.gputelemetry.streamer.control.EventLog;
import com.gputelemetry.streamer.control.ServerRefusedException;
import com.gputelemetry.streamer.control.ServerUnreachableException;
import com.gputelemetry.streamer.entity.Batch;
import com.gputelemetry.streamer.entity.CsvRow;
import com.gputelemetry.streamer.entity.StreamStats;
import com.gputelemetry.streamer.scrape.entity.ScrapeTarget;
import com.gputelemetry.streamer.scrape.entity.TargetHealth;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The scrape mode's run: the schedule fills the row buffer, and this thread empties it a batch at a time through the
 * same delivery as the CSV path (one batch in flight, checkpoint, retries). A batch leaves when it is full or when its
 * first row has waited the linger time. {@link #stop()} ends scraping; what was scraped is still sent while the drain
 * timeout lasts, and what is left then is counted as unsent.
 */
public class ScrapeStreamer {

    /** A body of a real dcgm-exporter is well under 1 MiB; 16 times that leaves room and still bounds the heap. */
    public static final long BODY_CAP = 16L << 20;
    /** All bodies being received at once: four at the cap, a quarter of the 256 MB a streamer is meant to fit in. */
    static final long BODY_BUDGET = 64L << 20;
    /** Readers of bodies: parsing is quick, and two cores are all a streamer may have. */
    private static final int READERS = 4;

    /** How scraped rows are batched. */
    public record Settings(
            int batchSize, Duration linger, Duration drainTimeout, int bufferRows, ScrapeSchedule.Settings scrape) {}

    private final ScrapeTargets targets;
    private final BatchDelivery delivery;
    private final StreamStats stats;
    private final EventLog log;
    private final Settings settings;
    private final ScrapedRowBuffer buffer;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile ScrapeSchedule schedule;

    public ScrapeStreamer(
            ScrapeTargets targets, BatchDelivery delivery, StreamStats stats, EventLog log, Settings settings) {
        this.targets = targets;
        this.delivery = delivery;
        this.stats = stats;
        this.log = log;
        this.settings = settings;
        this.buffer = new ScrapedRowBuffer(settings.bufferRows());
        stats.scraping();
    }

    /** Stops scraping; what was scraped is still sent, within the drain timeout. */
    public void stop() {
        if (stopped.getCount() > 0) {
            delivery.drainWithin(settings.drainTimeout());
            stopped.countDown();
            ScrapeSchedule running = schedule;
            if (running != null) {
                running.close();
            }
            buffer.close();
        }
    }

    public boolean isStopping() {
        return stopped.getCount() == 0;
    }

    /** The targets being scraped and their health, while running. */
    public Map<ScrapeTarget, TargetHealth> health() {
        ScrapeSchedule running = schedule;
        return running == null ? Map.of() : running.health();
    }

    /**
     * @throws ServerUnreachableException when a batch could not be delivered within the retry budget
     * @throws ServerRefusedException when the server refuses this streamer altogether
     */
    public void run() throws IOException {
        delivery.resendPending();
        ScheduledExecutorService clock = Executors.newSingleThreadScheduledExecutor(daemons("scrape-clock"));
        ExecutorService readers = new ThreadPoolExecutor(
                READERS, READERS, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), daemons("scrape-reader"));
        var client = new ExporterClient(readers, settings.scrape().timeout(), BODY_CAP, BODY_BUDGET);
        ScheduledExecutorService discovery = Executors.newSingleThreadScheduledExecutor(daemons("scrape-discovery"));
        schedule =
                new ScrapeSchedule(targets, client, buffer, stats, log, settings.scrape(), clock, readers, discovery);
        try {
            if (!isStopping()) {
                schedule.start();
            }
            while (!isStopping()) {
                var batch = new Batch(delivery.nextSequence());
                List<CsvRow> rows = new ArrayList<>(settings.batchSize());
                buffer.fill(batch, rows, settings.batchSize(), settings.linger().toNanos());
                if (!batch.isEmpty()) {
                    delivery.send(batch, rows);
                }
            }
            drain();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            schedule.close();
            buffer.close();
            clock.shutdownNow();
            readers.shutdownNow();
            discovery.shutdownNow();
            int left = buffer.size();
            if (left > 0) {
                stats.scrapes().unsent(left);
                log.log(
                        "unsent",
                        "rows",
                        Integer.toString(left),
                        "reason",
                        "scraped but not sent when the run ended (drain timeout or server unreachable)");
            }
        }
    }

    /** Sends what was scraped before the stop, as long as the drain timeout allows. */
    private void drain() {
        while (buffer.size() > 0 && !delivery.drainTimeIsUp()) {
            var batch = new Batch(delivery.nextSequence());
            List<CsvRow> rows = new ArrayList<>(settings.batchSize());
            buffer.drainInto(batch, rows, settings.batchSize());
            delivery.send(batch, rows);
        }
    }

    private static ThreadFactory daemons(String name) {
        var count = new AtomicInteger();
        return runnable -> {
            var thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
