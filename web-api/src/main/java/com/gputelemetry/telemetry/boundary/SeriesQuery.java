package com.gputelemetry.telemetry.boundary;

import com.gputelemetry.telemetry.entity.SeriesPosition;
import com.gputelemetry.telemetry.entity.TelemetryPoint;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * What {@code GET /gpus/{uuid}/telemetry} selects of a GPU's series, read from its query parameters once for a page
 * and for an export alike; anything malformed is a 400 problem naming the parameter.
 *
 * @param workloadIds only points measured while the GPU served one of these workloads (ids); null for every point
 * @param limit the points of a page; unbounded for the whole selection
 * @param after where the selection starts: its beginning, or the position a cursor names
 */
record SeriesQuery(
        TimeWindow window,
        boolean descending,
        List<String> metrics,
        Collection<Long> workloadIds,
        int limit,
        SeriesPosition after) {

    /** The whole selection, as an export streams it. */
    static SeriesQuery of(
            String startTime, String endTime, List<String> metric, String order, Supplier<Set<String>> knownMetrics) {
        TimeWindow window = TimeWindow.of(startTime, endTime);
        boolean descending = QueryParameters.descending(order);
        return new SeriesQuery(
                window,
                descending,
                QueryParameters.metrics(metric, knownMetrics),
                null,
                Integer.MAX_VALUE,
                SeriesPosition.start(descending));
    }

    /** One page of this selection: at most {@code limit} points after the cursor's position. */
    SeriesQuery page(String limit, String cursor) {
        return new SeriesQuery(
                window,
                descending,
                metrics,
                workloadIds,
                QueryParameters.limit(limit),
                QueryParameters.seriesCursor(cursor, descending));
    }

    /** This selection, of the points measured while the GPU served one of these workloads. */
    SeriesQuery ofWorkloads(Collection<Long> ids) {
        return new SeriesQuery(window, descending, metrics, ids, limit, after);
    }

    /** Whether it selects nothing whatever the points: a workload filter that no workload of the GPU passes. */
    boolean selectsNothing() {
        return workloadIds != null && workloadIds.isEmpty();
    }

    /**
     * The page of these points, which were read with one more than the limit: that one only says whether a next page
     * follows.
     */
    Series series(String uuid, List<TelemetryPoint> pointsAndOneMore) {
        if (pointsAndOneMore.size() > limit) {
            List<TelemetryPoint> page = pointsAndOneMore.subList(0, limit);
            return new Series(
                    uuid, page, page.get(limit - 1).position(descending).toCursor());
        }
        return new Series(uuid, pointsAndOneMore, null);
    }
}
