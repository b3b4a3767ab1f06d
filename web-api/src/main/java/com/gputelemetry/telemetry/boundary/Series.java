package com.gputelemetry.telemetry.boundary;

import com.gputelemetry.telemetry.entity.TelemetryPoint;
import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;

/** A page of one GPU's telemetry, ascending by time. */
@JsonbNillable
@JsonbPropertyOrder({"gpu", "items", "nextCursor"})
public record Series(String gpu, List<TelemetryPoint> items, String nextCursor) {}
