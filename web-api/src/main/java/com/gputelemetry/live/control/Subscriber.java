package com.gputelemetry.live.control;

import com.gputelemetry.live.entity.FleetCheckpoint;
import com.gputelemetry.live.entity.LivePoint;
import com.gputelemetry.live.entity.StreamPosition;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;

/**
 * One open event stream: what it wants, where it resumes, and its own bounded queue of events, sent by a task of its
 * own so that the feed never waits for a client. When the queue is full the client is too slow: it is dropped.
 */
public final class Subscriber {

    private static final long SEND_TIMEOUT_SECONDS = 30;
    private static final long RECONNECT_DELAY_MILLIS = 1000;

    private final LiveFeed feed;
    private final SseEventSink sink;
    private final Sse sse;
    private final Predicate<LivePoint> wanted;
    private final Resume resume;
    private final BlockingQueue<OutboundSseEvent> pending;
    // Held from the start until the replay is sent, so that live events wait behind it.
    private final AtomicBoolean sending = new AtomicBoolean(true);
    private volatile boolean closed;

    private Subscriber(LiveFeed feed, SseEventSink sink, Sse sse, Predicate<LivePoint> wanted, Resume resume) {
        this.feed = feed;
        this.sink = sink;
        this.sse = sse;
        this.wanted = wanted;
        this.resume = resume;
        this.pending = new ArrayBlockingQueue<>(feed.bufferEvents());
    }

    /**
     * One GPU's points, of the given metrics (all when empty), each event with its id.
     *
     * @param after the last event the client has seen, null for only new points
     */
    public static Subscriber ofGpu(
            LiveFeed feed, SseEventSink sink, Sse sse, String uuid, Set<String> metrics, StreamPosition after) {
        Predicate<LivePoint> wanted =
                point -> point.uuid().equals(uuid) && (metrics.isEmpty() || metrics.contains(point.metric()));
        return new Subscriber(feed, sink, sse, wanted, new Resume(feed.partitionOf(uuid), after, null));
    }

    /**
     * Every GPU's points, or one host's (case-insensitive), of the given metrics (all when empty), with a checkpoint
     * event after each round as the id to resume from.
     *
     * @param after the last checkpoint the client has seen, null for only new points
     */
    public static Subscriber ofFleet(
            LiveFeed feed, SseEventSink sink, Sse sse, String hostname, Set<String> metrics, FleetCheckpoint after) {
        Predicate<LivePoint> wanted =
                point -> (hostname == null || point.hostname().equalsIgnoreCase(hostname))
                        && (metrics.isEmpty() || metrics.contains(point.metric()));
        return new Subscriber(feed, sink, sse, wanted, new Resume(-1, null, after));
    }

    /**
     * Joins the feed and starts sending: first what the client missed, if it resumes, then the live points.
     *
     * @throws LiveFeed.TooManySubscribers before anything is sent
     */
    public void start() {
        long[] live = feed.join(this);
        execute(() -> {
            send(sse.newEventBuilder()
                    .comment("subscribed")
                    .reconnectDelay(RECONNECT_DELAY_MILLIS)
                    .build());
            replayBefore(live);
            drain();
        });
    }

    private void replayBefore(long[] live) {
        if (resume.gpu() != null) {
            StreamPosition after = resume.gpu();
            feed.replay(after.partition(), after.offset(), live[after.partition()], this::sendIfWanted);
        } else if (resume.fleet() != null) {
            long[] from = resume.fleet().nextOffsets();
            for (int partition = 0; partition < live.length && !closed; partition++) {
                feed.replay(partition, from[partition], live[partition], this::sendIfWanted);
            }
            send(checkpoint(new FleetCheckpoint(live)));
        }
    }

    private void sendIfWanted(LivePoint point) {
        if (!closed && wanted.test(point) && resume.isAfterResumption(point.position())) {
            send(event(point));
        }
    }

    /** Called by the feed after each round, under its lock: only queues. */
    void deliver(List<LivePoint> points, FleetCheckpoint checkpoint, boolean keepAlive) {
        if (closed) {
            return;
        }
        for (LivePoint point : points) {
            if (wanted.test(point) && resume.isAfterResumption(point.position()) && !enqueue(event(point))) {
                return;
            }
        }
        if (resume.isFleet() && !points.isEmpty() && !enqueue(checkpoint(checkpoint))) {
            return;
        }
        if (keepAlive && !enqueue(sse.newEventBuilder().comment("keep-alive").build())) {
            return;
        }
        if (sending.compareAndSet(false, true)) {
            execute(this::drain);
        }
    }

    private boolean enqueue(OutboundSseEvent event) {
        if (pending.offer(event)) {
            return true;
        }
        close(true);
        return false;
    }

    private void drain() {
        try {
            OutboundSseEvent event;
            while (!closed && (event = pending.poll()) != null) {
                send(event);
            }
        } finally {
            sending.set(false);
        }
        // An event queued after the last poll but before the flag was cleared found the flag still set.
        if (!closed && !pending.isEmpty() && sending.compareAndSet(false, true)) {
            execute(this::drain);
        }
    }

    private void send(OutboundSseEvent event) {
        if (closed) {
            return;
        }
        try {
            sink.send(event).toCompletableFuture().get(SEND_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            close(false); // the client went away
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(false);
        }
    }

    private OutboundSseEvent event(LivePoint point) {
        var event = sse.newEventBuilder().name("point").data(point.json());
        if (!resume.isFleet()) {
            event.id(point.position().eventId());
        }
        return event.build();
    }

    private OutboundSseEvent checkpoint(FleetCheckpoint checkpoint) {
        return sse.newEventBuilder()
                .name("checkpoint")
                .id(checkpoint.eventId())
                .data("{}")
                .build();
    }

    private void execute(Runnable task) {
        try {
            feed.senders().execute(task);
        } catch (RejectedExecutionException e) {
            close(false);
        }
    }

    void close() {
        close(false);
    }

    private void close(boolean tooSlow) {
        if (closed) {
            return;
        }
        closed = true;
        pending.clear();
        feed.leave(this, tooSlow);
        // Not on the caller's thread: the feed calls this under its lock, and a close may wait for the network.
        try {
            feed.senders().execute(sink::close);
        } catch (RejectedExecutionException e) {
            sink.close();
        }
    }

    /** Where a resuming client left off; points up to there are not sent again. */
    private record Resume(int gpuPartition, StreamPosition gpu, FleetCheckpoint fleet) {

        boolean isFleet() {
            return gpuPartition < 0;
        }

        boolean isAfterResumption(StreamPosition point) {
            if (gpu != null) {
                return point.partition() == gpu.partition() && gpu.isBefore(point.offset(), point.index());
            }
            return fleet == null || point.offset() >= fleet.nextOffsets()[point.partition()];
        }
    }
}
