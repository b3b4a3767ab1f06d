package com.gputelemetry.graphql.entity;

import org.eclipse.microprofile.graphql.NonNull;

/** A host whose GPUs report telemetry, and how many of them do. */
public record Host(@NonNull String hostname, long gpus) {}
