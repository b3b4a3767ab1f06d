package com.gputelemetry.graphql.control;

import com.gputelemetry.Problem;
import com.gputelemetry.graphql.entity.LiveValue;
import com.gputelemetry.live.control.LiveFeed;
import com.gputelemetry.live.control.LiveListener;
import com.gputelemetry.live.entity.FleetCheckpoint;
import com.gputelemetry.live.entity.LivePoint;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.subscription.BackPressureFailure;
import io.smallrye.mutiny.subscription.MultiEmitter;
import java.util.List;
import java.util.function.Predicate;

/**
 * One GraphQL subscription on the live feed: the points it wants, from the collectors' commits after it joined, so
 * what it gets is stored. It never blocks the feed: points wait in a buffer of {@code LIVE_BUFFER_EVENTS}, and a
 * subscriber that lets it fill is dropped with an error, as the SSE streams drop theirs.
 */
public final class LiveSubscription implements LiveListener {

    private final LiveFeed feed;
    private final Predicate<LivePoint> wanted;
    private final MultiEmitter<? super LiveValue> emitter;
    /** Where the collectors stood as it joined: what the feed may still be reading from before that is not new. */
    private final long[] storedBeforeJoining;

    private LiveSubscription(LiveFeed feed, Predicate<LivePoint> wanted, MultiEmitter<? super LiveValue> emitter) {
        this.feed = feed;
        this.wanted = wanted;
        this.emitter = emitter;
        this.storedBeforeJoining = feed.stored();
    }

    /** The points the predicate wants, from now on, for as long as the client subscribes. */
    public static Multi<LiveValue> of(LiveFeed feed, Predicate<LivePoint> wanted) {
        Multi<LiveValue> points = Multi.createFrom()
                .emitter(
                        emitter -> {
                            LiveSubscription subscription = new LiveSubscription(feed, wanted, emitter);
                            emitter.onTermination(() -> feed.leave(subscription, false));
                            try {
                                feed.join(subscription);
                            } catch (LiveFeed.TooManySubscribers e) {
                                emitter.fail(new GraphQLProblem(
                                        new Problem("about:blank", "Service Unavailable", 503, e.getMessage(), null)));
                            }
                        },
                        feed.bufferEvents());
        return points.onFailure(BackPressureFailure.class)
                .transform(tooSlow -> new GraphQLProblem(new Problem(
                        "about:blank",
                        "Too slow",
                        503,
                        "the subscriber fell " + feed.bufferEvents()
                                + " points behind (LIVE_BUFFER_EVENTS) and was dropped; subscribe again",
                        null)));
    }

    @Override
    public void deliver(List<LivePoint> points, FleetCheckpoint checkpoint, boolean keepAlive) {
        for (LivePoint point : points) {
            if (emitter.isCancelled()) {
                return;
            }
            if (wanted.test(point)
                    && point.position().offset()
                            >= storedBeforeJoining[point.position().partition()]) {
                emitter.emit(LiveValue.of(point));
            }
        }
    }

    @Override
    public void close() {
        emitter.complete();
    }
}
