package com.gputelemetry.graphql.entity;

import org.eclipse.microprofile.graphql.NonNull;

/** One of the exporter's labels of a GPU. */
public record Label(@NonNull String name, @NonNull String value) {}
