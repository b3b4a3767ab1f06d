package com.gputelemetry.live.control;

import com.gputelemetry.collector.boundary.CollectorStartup;
import com.gputelemetry.live.entity.FleetCheckpoint;
import com.gputelemetry.live.entity.LivePoint;
import com.gputelemetry.live.entity.LogGap;
import com.gputelemetry.live.entity.StreamPosition;
import com.gputelemetry.queue.boundary.MessageQueue;
import com.gputelemetry.queue.control.ConsumedLog;
import com.gputelemetry.queue.entity.LogRecord;
import com.gputelemetry.telemetry.entity.TelemetryRow;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * This server's one reader of the stored telemetry for all its live subscribers: each round it reads the records the
 * collectors have committed since the last round (on any server) and hands their points to every subscriber. It runs
 * only while someone is subscribed.
 */
@ApplicationScoped
public class LiveFeed {

    private static final Logger LOG = Logger.getLogger(LiveFeed.class.getName());
    private static final String GROUP = CollectorStartup.GROUP;
    private static final String TOPIC = TelemetryRow.TOPIC;
    /** Rounds run back to back while the feed is behind, up to this many before it pauses. */
    private static final int ROUNDS_BACK_TO_BACK = 8;

    @EJB
    ConsumedLog log;

    @EJB
    MessageQueue queue;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Resource
    ManagedExecutorService senders;

    @Inject
    @ConfigProperty(name = "LIVE_ROUND_MS")
    long roundMillis;

    @Inject
    @ConfigProperty(name = "LIVE_BUFFER_EVENTS")
    int bufferEvents;

    @Inject
    @ConfigProperty(name = "LIVE_MAX_SUBSCRIBERS")
    int maxSubscribers;

    @Inject
    @ConfigProperty(name = "LIVE_KEEP_ALIVE_SECONDS")
    long keepAliveSeconds;

    private final List<LiveListener> subscribers = new CopyOnWriteArrayList<>();
    private final AtomicLong dropped = new AtomicLong();

    // Guarded by this: where the feed stands (null while nobody listens) and its rounds.
    private long[] positions;
    private ScheduledFuture<?> rounds;
    private long lastKeepAlive;

    /** The number of partitions of the telemetry topic: the length of a fleet checkpoint. */
    public int partitions() {
        return queue.partitioner(TOPIC).partitions();
    }

    public int partitionOf(String uuid) {
        return queue.partitioner(TOPIC).partitionOf(uuid);
    }

    /** Where the collectors stand now, in every partition: the records before it are stored. */
    public long[] stored() {
        return log.positions(GROUP, TOPIC, partitions());
    }

    /**
     * Adds a subscriber; from now on it gets every point of the following rounds.
     *
     * @return where the feed stands: the subscriber replays what it asks for before this position from the log
     * @throws TooManySubscribers when this server already serves its maximum
     */
    public synchronized long[] join(LiveListener subscriber) {
        if (subscribers.size() >= maxSubscribers) {
            throw new TooManySubscribers(maxSubscribers);
        }
        if (positions == null) {
            positions = log.positions(GROUP, TOPIC, partitions());
            lastKeepAlive = System.currentTimeMillis();
            // The queue's retention may follow the collectors closely: it keeps what this feed has yet to read.
            queue.hold(TOPIC, this::heldPositions);
        }
        subscribers.add(subscriber);
        if (rounds == null) {
            rounds = scheduler.scheduleWithFixedDelay(this::round, roundMillis, roundMillis, TimeUnit.MILLISECONDS);
        }
        return positions.clone();
    }

    private synchronized long[] heldPositions() {
        return positions == null ? null : positions.clone();
    }

    public void leave(LiveListener subscriber, boolean tooSlow) {
        if (subscribers.remove(subscriber) && tooSlow) {
            dropped.incrementAndGet();
            LOG.info(() -> "dropped a live subscriber that could not keep up (" + bufferEvents
                    + " events waiting); it resumes from its last event id when it reconnects");
        }
    }

    public int subscribers() {
        return subscribers.size();
    }

    /** Subscribers dropped as too slow since start. */
    public long dropped() {
        return dropped.get();
    }

    public int bufferEvents() {
        return bufferEvents;
    }

    ManagedExecutorService senders() {
        return senders;
    }

    /**
     * Reads the log between two positions for a subscriber's replay, a slice at a time; tells {@code gaps} first when
     * retention has deleted records the replay should have started with.
     */
    void replay(int partition, long from, long to, Consumer<LogGap> gaps, Consumer<LivePoint> sink) {
        if (from < to) {
            long oldest = log.oldestRetained(TOPIC, partition, to);
            if (oldest > from) {
                gaps.accept(new LogGap(partition, from, oldest));
            }
        }
        long next = from;
        while (next < to) {
            ConsumedLog.Slice slice = log.records(GROUP, TOPIC, partition, next, to, 500);
            points(slice.records()).forEach(sink);
            next = slice.next();
        }
    }

    private void round() {
        for (int round = 0; round < ROUNDS_BACK_TO_BACK && roundFilledItsBudget(); round++) {
            // behind: go on at once
        }
    }

    /**
     * Reads and delivers what the collectors have committed since the last round, at most half a subscriber's buffer
     * of points: a subscriber that keeps up on average never overflows on one round.
     *
     * @return whether the round stopped at its budget, with more committed to read
     */
    private boolean roundFilledItsBudget() {
        try {
            long[] from;
            synchronized (this) {
                if (subscribers.isEmpty()) {
                    rounds.cancel(false);
                    rounds = null;
                    positions = null;
                    return false;
                }
                from = positions.clone();
            }
            long[] committed = log.positions(GROUP, TOPIC, from.length);
            long[] next = from.clone();
            List<LivePoint> points = new ArrayList<>();
            int budget = Math.max(1, bufferEvents / 2);
            boolean full = false;
            for (int partition = 0; partition < from.length; partition++) {
                while (committed[partition] > next[partition] && !full) {
                    // Fewer records a query as the budget nears: a record holds up to a whole batch's rows.
                    int records = Math.min(64, Math.max(1, (budget - points.size()) / 64));
                    ConsumedLog.Slice slice =
                            log.records(GROUP, TOPIC, partition, next[partition], committed[partition], records);
                    points.addAll(points(slice.records()));
                    next[partition] = slice.next();
                    full = points.size() >= budget;
                }
            }
            // Under the lock: a subscriber joining now replays up to where the feed stood or gets this round's points,
            // never both nor neither. Delivering only queues.
            synchronized (this) {
                positions = next;
                boolean keepAlive = System.currentTimeMillis() - lastKeepAlive >= keepAliveSeconds * 1_000;
                if (keepAlive) {
                    lastKeepAlive = System.currentTimeMillis();
                }
                if (!points.isEmpty() || keepAlive) {
                    FleetCheckpoint checkpoint = new FleetCheckpoint(next.clone());
                    for (LiveListener subscriber : subscribers) {
                        subscriber.deliver(points, checkpoint, keepAlive);
                    }
                }
            }
            return full;
        } catch (RuntimeException e) {
            // The next round tries again from the same position: a database outage delays the feed, loses nothing.
            LOG.log(Level.WARNING, "live feed round failed; the next round retries", e);
            return false;
        }
    }

    private static List<LivePoint> points(List<LogRecord> records) {
        List<LivePoint> points = new ArrayList<>();
        for (LogRecord record : records) {
            List<TelemetryRow> rows;
            try {
                rows = TelemetryRow.fromPayload(record.payload());
            } catch (IllegalArgumentException e) {
                continue; // a record the collectors could not have stored either
            }
            for (int index = 0; index < rows.size(); index++) {
                if (rows.get(index).isStaleMarker()) {
                    continue; // the end of a series: nothing was measured, nothing is stored as a point
                }
                points.add(
                        LivePoint.of(rows.get(index), new StreamPosition(record.partition(), record.offset(), index)));
            }
        }
        return points;
    }

    @PreDestroy
    synchronized void stop() {
        if (rounds != null) {
            rounds.cancel(false);
        }
        subscribers.forEach(LiveListener::close);
    }

    /** The server serves as many subscribers as it is configured to. */
    public static class TooManySubscribers extends RuntimeException {
        TooManySubscribers(int max) {
            super("this server already serves " + max + " live subscribers (LIVE_MAX_SUBSCRIBERS)");
        }
    }
}
