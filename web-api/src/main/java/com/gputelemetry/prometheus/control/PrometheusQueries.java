package com.gputelemetry.prometheus.control;

import com.gputelemetry.prometheus.entity.Expr;
import com.gputelemetry.prometheus.entity.LabelMatcher;
import com.gputelemetry.prometheus.entity.Labels;
import com.gputelemetry.prometheus.entity.PointBudget;
import com.gputelemetry.prometheus.entity.QueryDeadline;
import com.gputelemetry.prometheus.entity.Sample;
import com.gputelemetry.prometheus.entity.SeriesData;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Prometheus' query API over the stored telemetry: instant and range queries, series and label discovery. */
@ApplicationScoped
public class PrometheusQueries {

    /** Prometheus' own bound on a range query's steps. */
    static final long MAX_STEPS = 11_000;

    @Inject
    StoredSeries store;

    @Inject
    @ConfigProperty(name = "PROMETHEUS_QUERY_MAX_POINTS")
    long maxPoints;

    @Inject
    @ConfigProperty(name = "PROMETHEUS_QUERY_TIMEOUT_SECONDS")
    long timeoutSeconds;

    public PromqlEvaluator.Value instant(String query, long timeMillis) {
        Expr expr = PromqlParser.parse(query);
        var evaluator = PromqlEvaluator.prepare(expr, timeMillis, timeMillis, 0, store, budget(), deadline());
        return evaluator.evaluate(expr, timeMillis);
    }

    /** Each series with its value at every step it has one, in label order. */
    public List<SeriesData> range(String query, long startMillis, long endMillis, long stepMillis) {
        if (endMillis < startMillis) {
            throw new BadQueryException("end timestamp must not be before start time");
        }
        if (stepMillis <= 0) {
            throw new BadQueryException(
                    "zero or negative query resolution step widths are not accepted. Try a positive integer");
        }
        if ((endMillis - startMillis) / stepMillis > MAX_STEPS) {
            throw new BadQueryException("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing"
                    + " the query resolution (?step=XX)");
        }
        Expr expr = PromqlParser.parse(query);
        if (expr instanceof Expr.MatrixSelector) {
            throw new BadQueryException(
                    "invalid expression type \"range vector\" for range query, must be Scalar or instant Vector");
        }
        QueryDeadline deadline = deadline();
        var evaluator = PromqlEvaluator.prepare(expr, startMillis, endMillis, stepMillis, store, budget(), deadline);
        Map<Labels, Steps> series = new TreeMap<>();
        for (long time = startMillis; time <= endMillis; time += stepMillis) {
            PromqlEvaluator.Value value = evaluator.evaluate(expr, time);
            if (value instanceof PromqlEvaluator.Scalar scalar) {
                series.computeIfAbsent(Labels.EMPTY, labels -> new Steps()).add(time, scalar.value());
            } else {
                for (Sample sample : ((PromqlEvaluator.Vector) value).samples()) {
                    Steps steps = series.computeIfAbsent(sample.labels(), labels -> new Steps());
                    if (steps.lastTime() == time) {
                        throw new BadQueryException("vector cannot contain metrics with the same labelset");
                    }
                    steps.add(time, sample.value());
                }
            }
        }
        List<SeriesData> result = new ArrayList<>();
        series.forEach((labels, steps) -> result.add(steps.toSeries(labels)));
        return result;
    }

    /** The label sets of the series that any of the selectors chooses. */
    public List<Labels> series(List<String> selectors) {
        QueryDeadline deadline = deadline();
        List<List<LabelMatcher>> matchers = selectors.stream()
                .map(selector -> matchersOf(selector, "match[]"))
                .toList();
        return store.everySeries().stream()
                .filter(labels -> matchers.isEmpty()
                        || matchers.stream()
                                .anyMatch(all -> all.stream().allMatch(matcher -> matcher.matches(labels, deadline))))
                .sorted()
                .toList();
    }

    private static List<LabelMatcher> matchersOf(String selector, String parameter) {
        Expr expr = PromqlParser.parse(selector);
        if (!(expr instanceof Expr.VectorSelector vector) || vector.offsetMillis() != 0) {
            throw new BadQueryException(
                    "invalid parameter \"" + parameter + "\": " + selector + " is not a series selector");
        }
        return vector.matchers();
    }

    private PointBudget budget() {
        return new PointBudget(maxPoints);
    }

    private QueryDeadline deadline() {
        return QueryDeadline.in(timeoutSeconds * 1000);
    }

    /** One series' values at the steps it has them. */
    private static final class Steps {
        private long[] times = new long[16];
        private double[] values = new double[16];
        private int size;

        void add(long time, double value) {
            if (size == times.length) {
                times = Arrays.copyOf(times, size * 2);
                values = Arrays.copyOf(values, size * 2);
            }
            times[size] = time;
            values[size++] = value;
        }

        long lastTime() {
            return size == 0 ? Long.MIN_VALUE : times[size - 1];
        }

        SeriesData toSeries(Labels labels) {
            return new SeriesData(labels, Arrays.copyOf(times, size), Arrays.copyOf(values, size));
        }
    }
}
