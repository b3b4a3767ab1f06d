package com.gputelemetry.rollup.boundary;

import com.gputelemetry.rollup.control.BlockCompactor;
import com.gputelemetry.rollup.control.RollupBuilder;
import com.gputelemetry.rollup.entity.MinuteRollup;
import com.gputelemetry.telemetry.entity.PointBlock;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Builds the rollups in the background on every server (they take turns on the progress row's lock): every
 * {@code ROLLUP_INTERVAL_SECONDS} it closes time up to {@code ROLLUP_AFTER_SECONDS} ago, waits until no collector
 * transaction that missed the closing is still open, and builds up to there, step after step while behind. Then it
 * packs the points of hours that are built and {@code COMPACT_AFTER_SECONDS} old into blocks.
 */
@Singleton
@Startup
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class RollupSchedule {

    private static final Logger LOG = Logger.getLogger(RollupSchedule.class.getName());
    /** How long a run waits for the collectors' open transactions before it leaves the building to the next run. */
    private static final long COLLECTOR_PATIENCE_MILLIS = 30_000;

    @EJB
    RollupBuilder builder;

    @EJB
    BlockCompactor compactor;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "ROLLUP_INTERVAL_SECONDS")
    long intervalSeconds;

    @Inject
    @ConfigProperty(name = "ROLLUP_AFTER_SECONDS")
    long afterSeconds;

    @Inject
    @ConfigProperty(name = "COMPACT_AFTER_SECONDS")
    long compactAfterSeconds;

    private volatile boolean stopping;
    private ScheduledFuture<?> timer;

    @PostConstruct
    void start() {
        timer = scheduler.scheduleWithFixedDelay(this::run, intervalSeconds, intervalSeconds, TimeUnit.SECONDS);
    }

    private void run() {
        try {
            long now = System.currentTimeMillis() * 1_000;
            long upTo = Math.floorDiv(now - afterSeconds * 1_000_000, MinuteRollup.MICROS) * MinuteRollup.MICROS;
            long closed = builder.close(upTo);
            RollupBuilder.CollectorProgress then = builder.collectors();
            long deadline = System.currentTimeMillis() + COLLECTOR_PATIENCE_MILLIS;
            while (!builder.collectors().havePassed(then)) {
                if (System.currentTimeMillis() > deadline || stopping) {
                    LOG.fine("rollups: the collectors are behind; building at the next run");
                    return;
                }
                Thread.sleep(50);
            }
            while (!stopping && builder.step(closed)) {
                // behind (a new database of history, or after downtime): go on at once
            }
            compact(now - compactAfterSeconds * 1_000_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            // A database outage, or another server's step holding the lock: nothing was half done, the next run goes
            // on.
            LOG.log(Level.WARNING, "building rollups failed; the next run tries again", e);
        }
    }

    /** Packs the points of the hours before then (built, and old enough) into blocks, a GPU and a few hours a step. */
    private void compact(long upTo) {
        BlockCompactor.Stretch stretch = compactor.begin(upTo);
        if (stretch.isEmpty()) {
            return;
        }
        long started = System.nanoTime();
        long packed = 0;
        for (String gpu : compactor.gpus(stretch)) {
            long hour = compactor.firstHour(gpu, stretch.fromMicros(), stretch.toMicros());
            while (hour < stretch.toMicros()) {
                if (stopping) {
                    return;
                }
                long end = Math.min(stretch.toMicros(), hour + BlockCompactor.HOURS_PER_STEP * PointBlock.MICROS);
                packed += compactor.compact(gpu, hour, end);
                hour = compactor.firstHour(gpu, end, stretch.toMicros());
            }
        }
        compactor.finish(stretch);
        long points = packed;
        LOG.fine(() -> "compaction: " + points + " points packed into blocks in "
                + (System.nanoTime() - started) / 1_000_000 + " ms");
    }

    @PreDestroy
    void stop() {
        stopping = true;
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
