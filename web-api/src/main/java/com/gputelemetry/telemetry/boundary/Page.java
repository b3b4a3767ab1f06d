package com.gputelemetry.telemetry.boundary;

import jakarta.json.bind.annotation.JsonbNillable;
import java.util.List;

/** A bounded slice of a listing; {@code nextCursor} fetches the next one and is null on the last. */
@JsonbNillable
public record Page<T>(List<T> items, String nextCursor) {}
