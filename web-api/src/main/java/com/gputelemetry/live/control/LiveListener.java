package com.gputelemetry.live.control;

import com.gputelemetry.live.entity.FleetCheckpoint;
import com.gputelemetry.live.entity.LivePoint;
import java.util.List;

/** What the live feed hands its points to: an event stream (SSE) or a GraphQL subscription. */
public interface LiveListener {

    /**
     * Called after each round, under the feed's lock: takes what it wants without blocking, or gives up on its client.
     */
    void deliver(List<LivePoint> points, FleetCheckpoint checkpoint, boolean keepAlive);

    /** The server stops: end the client's stream. */
    void close();
}
