package com.gputelemetry.graphql.entity;

import java.util.List;
import org.eclipse.microprofile.graphql.NonNull;

/** A page of hosts, by name, as a Relay connection. */
public record HostConnection(@NonNull List<@NonNull HostEdge> edges, @NonNull PageInfo pageInfo) {

    /** A host and the cursor that pages after it. */
    public record HostEdge(@NonNull String cursor, @NonNull Host node) {}
}
