package com.gputelemetry.live.control;

import com.gputelemetry.live.entity.FleetCheckpoint;
import com.gputelemetry.live.entity.LivePoint;
import com.gputelemetry.live.entity.LogGap;
import com.gputelemetry.live.entity.StreamPosition;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Predicate;

/**
 * One open event stream: what it wants and where it resumes. It gets what it missed from the log first, then the
 * feed's live points; live points arriving meanwhile wait behind the replay, within the same bound.
 */
public final class Subscriber implements LiveListener {

    private static final byte[] HELLO = ": subscribed\nretry: 1000\n\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] KEEP_ALIVE = ": keep-alive\n\n".getBytes(StandardCharsets.UTF_8);
    /** How long a replay waits for a client to take its events before it gives up on the client. */
    private static final long REPLAY_PATIENCE_MILLIS = 30_000;

    private final LiveFeed feed;
    private final Predicate<LivePoint> wanted;
    private final Resume resume;
    private EventStream stream;
    /**
     * For a client that resumes nothing: where the collectors stood as it subscribed. The feed may still be reading
     * what was stored before; such points are not new to this client.
     */
    private long[] storedBeforeJoining;

    // Guarded by this: live events that arrived while the replay was being sent.
    private final List<byte[]> backlog = new ArrayList<>();
    private boolean replaying = true;

    private Subscriber(LiveFeed feed, Predicate<LivePoint> wanted, Resume resume) {
        this.feed = feed;
        this.wanted = wanted;
        this.resume = resume;
    }

    /**
     * One GPU's points, of the given metrics (all when empty), each event with its id.
     *
     * @param after the last event the client has seen, null for only new points
     */
    public static Subscriber ofGpu(LiveFeed feed, String uuid, Set<String> metrics, StreamPosition after) {
        Predicate<LivePoint> wanted =
                point -> point.uuid().equals(uuid) && (metrics.isEmpty() || metrics.contains(point.metric()));
        return new Subscriber(feed, wanted, new Resume(false, after, null));
    }

    /**
     * Every GPU's points, or one host's (case-insensitive), of the given metrics (all when empty), with a checkpoint
     * event after each round as the id to resume from.
     *
     * @param after the last checkpoint the client has seen, null for only new points
     */
    public static Subscriber ofFleet(LiveFeed feed, String hostname, Set<String> metrics, FleetCheckpoint after) {
        Predicate<LivePoint> wanted =
                point -> (hostname == null || point.hostname().equalsIgnoreCase(hostname))
                        && (metrics.isEmpty() || metrics.contains(point.metric()));
        return new Subscriber(feed, wanted, new Resume(true, null, after));
    }

    /**
     * Joins the feed, takes over the suspended request's response and starts sending: first what the client missed,
     * then live points.
     *
     * @throws LiveFeed.TooManySubscribers before the response is touched
     */
    public void start(HttpServletRequest request, AsyncResponse response) throws IOException {
        if (resume.isFresh()) {
            storedBeforeJoining = feed.stored();
        }
        long[] live = feed.join(this);
        // Resuming with an empty answer ends the request: the status and headers are long sent, nothing is added.
        stream = EventStream.open(
                request,
                () -> response.resume(Response.ok().build()),
                feed.bufferEvents(),
                tooSlow -> feed.leave(this, tooSlow));
        stream.offer(HELLO);
        stream.pump();
        try {
            feed.senders().execute(() -> replayBefore(live));
        } catch (RejectedExecutionException e) {
            stream.close(false);
        }
    }

    private void replayBefore(long[] live) {
        try {
            if (resume.gpu() != null) {
                StreamPosition after = resume.gpu();
                feed.replay(after.partition(), after.offset(), live[after.partition()], this::gap, this::replay);
            } else if (resume.fleet() != null) {
                long[] from = resume.fleet().nextOffsets();
                for (int partition = 0; partition < live.length && !stream.isClosed(); partition++) {
                    feed.replay(partition, from[partition], live[partition], this::gap, this::replay);
                }
                send(new FleetCheckpoint(live).event());
            }
        } catch (RuntimeException e) {
            stream.close(false);
        }
        synchronized (this) {
            for (byte[] event : backlog) {
                if (!stream.offer(event)) {
                    return;
                }
            }
            backlog.clear();
            replaying = false;
        }
        stream.pump();
    }

    private void gap(LogGap gap) {
        send(gap.event());
    }

    private void replay(LivePoint point) {
        if (wanted.test(point) && resume.isAfterResumption(point.position())) {
            send(event(point));
        }
    }

    /** For the replay: waits while the client's queue is half full, then queues. */
    private void send(byte[] event) {
        long deadline = System.currentTimeMillis() + REPLAY_PATIENCE_MILLIS;
        while (!stream.isClosed() && stream.waiting() >= feed.bufferEvents() / 2) {
            if (System.currentTimeMillis() > deadline) {
                stream.close(true);
                return;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stream.close(false);
                return;
            }
        }
        stream.offer(event);
        stream.pump();
    }

    /** Queues, and writes what the connection takes now. */
    @Override
    public void deliver(List<LivePoint> points, FleetCheckpoint checkpoint, boolean keepAlive) {
        boolean queued = true;
        synchronized (this) {
            for (int i = 0; i < points.size() && queued; i++) {
                LivePoint point = points.get(i);
                if (wanted.test(point) && resume.isAfterResumption(point.position()) && isNew(point)) {
                    queued = add(event(point));
                }
            }
            if (queued && resume.isFleet() && !points.isEmpty()) {
                queued = add(checkpoint.event());
            }
            if (queued && keepAlive) {
                queued = add(KEEP_ALIVE);
            }
            if (replaying) {
                return;
            }
        }
        stream.pump();
    }

    private boolean isNew(LivePoint point) {
        return storedBeforeJoining == null
                || point.position().offset()
                        >= storedBeforeJoining[point.position().partition()];
    }

    private boolean add(byte[] event) {
        if (!replaying) {
            return stream.offer(event);
        }
        if (backlog.size() < feed.bufferEvents()) {
            backlog.add(event);
            return true;
        }
        stream.close(true);
        return false;
    }

    private byte[] event(LivePoint point) {
        return resume.isFleet() ? point.eventWithoutId() : point.eventWithId();
    }

    @Override
    public void close() {
        if (stream != null) {
            stream.close(false);
        }
    }

    /** Where a resuming client left off; points up to there are not sent again. */
    private record Resume(boolean isFleet, StreamPosition gpu, FleetCheckpoint fleet) {

        boolean isFresh() {
            return gpu == null && fleet == null;
        }

        boolean isAfterResumption(StreamPosition point) {
            if (gpu != null) {
                return point.partition() == gpu.partition() && gpu.isBefore(point.offset(), point.index());
            }
            return fleet == null || point.offset() >= fleet.nextOffsets()[point.partition()];
        }
    }
}
