package com.gputelemetry.telemetry.boundary;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** A metric some GPU has reported, with its unit where DCGM's naming says it (null otherwise). */
@JsonbNillable
@JsonbPropertyOrder({"name", "unit"})
public record MetricEntry(String name, String unit) {}
