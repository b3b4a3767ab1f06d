package com.gputelemetry.graphql.entity;

import java.util.List;
import org.eclipse.microprofile.graphql.NonNull;

/** A page of one GPU's points, oldest first, as a Relay connection. */
public record PointConnection(@NonNull List<@NonNull PointEdge> edges, @NonNull PageInfo pageInfo) {

    /** A point and the cursor that pages after it. */
    public record PointEdge(@NonNull String cursor, @NonNull Point node) {}

    /** One stored point. */
    public record Point(@NonNull String timestamp, @NonNull String metric, double value) {}
}
