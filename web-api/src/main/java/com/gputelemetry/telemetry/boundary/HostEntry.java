package com.gputelemetry.telemetry.boundary;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** A host that has GPUs reporting telemetry, and how many. */
@JsonbPropertyOrder({"hostname", "gpus"})
public record HostEntry(String hostname, long gpus) {}
