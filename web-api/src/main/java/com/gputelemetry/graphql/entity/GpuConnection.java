package com.gputelemetry.graphql.entity;

import java.util.List;
import org.eclipse.microprofile.graphql.NonNull;

/** A page of GPUs as a Relay connection. */
public record GpuConnection(@NonNull List<@NonNull GpuEdge> edges, @NonNull PageInfo pageInfo) {

    /** A GPU and the cursor that pages after it. */
    public record GpuEdge(@NonNull String cursor, @NonNull GpuNode node) {}
}
