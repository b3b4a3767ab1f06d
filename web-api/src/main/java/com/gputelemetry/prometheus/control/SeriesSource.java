package com.gputelemetry.prometheus.control;

import com.gputelemetry.prometheus.entity.LabelMatcher;
import com.gputelemetry.prometheus.entity.PointBudget;
import com.gputelemetry.prometheus.entity.QueryDeadline;
import com.gputelemetry.prometheus.entity.SeriesData;
import java.util.List;

/**
 * Where a query's series come from: the database in the server, a list in the evaluator's unit tests (the seam that
 * lets Prometheus' semantics be checked point by point without a server).
 */
public interface SeriesSource {

    /** The series every matcher accepts, with their points in {@code [fromMillis, toMillis]}, each series once. */
    List<SeriesData> select(
            List<LabelMatcher> matchers, long fromMillis, long toMillis, PointBudget budget, QueryDeadline deadline);

    /**
     * The series every matcher accepts, with at least each one's latest point in {@code [t - lookback, t]} for every
     * time {@code t} of {@code startMillis, startMillis + stepMillis, ...} up to {@code endMillis}, which is what an
     * instant selector reads; other points only where they come at no cost. By default, every point of that time.
     */
    default List<SeriesData> selectLatest(
            List<LabelMatcher> matchers,
            long startMillis,
            long endMillis,
            long stepMillis,
            PointBudget budget,
            QueryDeadline deadline) {
        return select(matchers, startMillis - PromqlEvaluator.LOOKBACK_MILLIS, endMillis, budget, deadline);
    }
}
