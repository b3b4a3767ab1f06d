package com.gputelemetry.graphql.entity;

import com.gputelemetry.live.entity.LivePoint;
import com.gputelemetry.telemetry.entity.Micros;
import org.eclipse.microprofile.graphql.NonNull;
import org.eclipse.microprofile.graphql.Type;

/** A point pushed to a subscription once it is stored. */
@Type("LivePoint")
public record LiveValue(
        @NonNull String uuid,
        @NonNull String hostname,
        @NonNull String metric,
        @NonNull String timestamp,
        double value) {

    public static LiveValue of(LivePoint point) {
        return new LiveValue(
                point.uuid(), point.hostname(), point.metric(), Micros.toRfc3339(point.timeMicros()), point.value());
    }
}
