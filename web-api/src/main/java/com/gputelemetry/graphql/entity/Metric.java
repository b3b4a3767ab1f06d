package com.gputelemetry.graphql.entity;

import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;

/** A metric some GPU has reported. */
public record Metric(@NonNull String name, @Description("Its unit where DCGM's naming says it") String unit) {}
