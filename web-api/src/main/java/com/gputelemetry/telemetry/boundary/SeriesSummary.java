package com.gputelemetry.telemetry.boundary;

import jakarta.json.bind.annotation.JsonbNillable;
import jakarta.json.bind.annotation.JsonbPropertyOrder;
import java.util.List;

/** Min, max, average and count per time bucket, for each metric asked for, buckets in time order. */
@JsonbNillable
@JsonbPropertyOrder({"gpu", "step", "items", "nextCursor"})
public record SeriesSummary(String gpu, String step, List<Bucket> items, String nextCursor) {

    /** The points of one metric with start <= time < start + step. */
    @JsonbPropertyOrder({"metric", "start", "min", "max", "avg", "count"})
    public record Bucket(String metric, String start, double min, double max, double avg, long count) {}
}
