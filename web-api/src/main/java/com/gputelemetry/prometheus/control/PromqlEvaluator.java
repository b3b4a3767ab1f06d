package com.gputelemetry.prometheus.control;

import com.gputelemetry.prometheus.entity.Expr;
import com.gputelemetry.prometheus.entity.Labels;
import com.gputelemetry.prometheus.entity.PointBudget;
import com.gputelemetry.prometheus.entity.QueryDeadline;
import com.gputelemetry.prometheus.entity.Sample;
import com.gputelemetry.prometheus.entity.SeriesData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Evaluates a parsed query as Prometheus 2 does: at each evaluation time an instant selector takes each series'
 * latest point within the 5-minute lookback unless a staleness marker ended the series after it, a range selector the points in {@code [t - range, t]}, {@code rate} and
 * {@code increase} extrapolate as Prometheus' {@code extrapolatedRate}, functions and arithmetic drop the metric name.
 * Every selector's points are loaded once for the whole query (all its steps) and bounded by the query's budget.
 */
public final class PromqlEvaluator {

    public static final long LOOKBACK_MILLIS = 300_000;

    private final Map<Expr.VectorSelector, List<SeriesData>> loaded = new IdentityHashMap<>();
    private final QueryDeadline deadline;

    private PromqlEvaluator(QueryDeadline deadline) {
        this.deadline = deadline;
    }

    /**
     * Loads what evaluating {@code expr} at the times {@code startMillis}, {@code startMillis + stepMillis}, ... up to
     * {@code endMillis} (a step of 0 when they are one) needs: an instant selector only each series' latest point at each of those times, a range
     * selector every point of its windows.
     */
    public static PromqlEvaluator prepare(
            Expr expr,
            long startMillis,
            long endMillis,
            long stepMillis,
            SeriesSource source,
            PointBudget budget,
            QueryDeadline deadline) {
        var evaluator = new PromqlEvaluator(deadline);
        evaluator.load(expr, new Steps(startMillis, endMillis, stepMillis, source, budget), null);
        return evaluator;
    }

    /** The evaluation times and where their points come from. */
    private record Steps(long start, long end, long step, SeriesSource source, PointBudget budget) {}

    /** @param range the range selector {@code expr} is part of; null when none */
    private void load(Expr expr, Steps steps, Expr.MatrixSelector range) {
        if (expr instanceof Expr.VectorSelector selector) {
            long offset = selector.offsetMillis();
            long start = steps.start() - offset;
            long end = steps.end() - offset;
            loaded.put(
                    selector,
                    range == null
                            ? steps.source()
                                    .selectLatest(
                                            selector.matchers(), start, end, steps.step(), steps.budget(), deadline)
                            : steps.source()
                                    .select(
                                            selector.matchers(),
                                            start - range.rangeMillis(),
                                            end,
                                            steps.budget(),
                                            deadline));
        } else if (expr instanceof Expr.MatrixSelector matrix) {
            load(matrix.selector(), steps, matrix);
        } else if (expr instanceof Expr.Call call) {
            load(call.argument(), steps, range);
        } else if (expr instanceof Expr.Aggregation aggregation) {
            load(aggregation.argument(), steps, range);
        } else if (expr instanceof Expr.Binary binary) {
            load(binary.left(), steps, range);
            load(binary.right(), steps, range);
        } else if (expr instanceof Expr.Negation negation) {
            load(negation.argument(), steps, range);
        }
    }

    /** What an expression gives at one time: a scalar, an instant vector or (a bare range selector) a matrix. */
    public sealed interface Value {}

    public record Scalar(double value) implements Value {}

    public record Vector(List<Sample> samples) implements Value {}

    public record Matrix(List<SeriesData> series) implements Value {}

    public Value evaluate(Expr expr, long time) {
        deadline.check();
        if (expr instanceof Expr.NumberLiteral number) {
            return new Scalar(number.value());
        }
        if (expr instanceof Expr.VectorSelector selector) {
            return new Vector(instant(selector, time));
        }
        if (expr instanceof Expr.MatrixSelector matrix) {
            return new Matrix(range(matrix, time));
        }
        if (expr instanceof Expr.Call call) {
            return new Vector(call(call, time));
        }
        if (expr instanceof Expr.Aggregation aggregation) {
            return new Vector(aggregate(aggregation, time));
        }
        if (expr instanceof Expr.Negation negation) {
            Value value = evaluate(negation.argument(), time);
            if (value instanceof Scalar scalar) {
                return new Scalar(-scalar.value());
            }
            return new Vector(((Vector) value)
                    .samples().stream()
                            .map(sample -> new Sample(sample.labels().withoutName(), -sample.value()))
                            .toList());
        }
        return binary((Expr.Binary) expr, time);
    }

    private List<Sample> instant(Expr.VectorSelector selector, long time) {
        long at = time - selector.offsetMillis();
        List<Sample> samples = new ArrayList<>();
        for (SeriesData series : loaded.get(selector)) {
            int current = series.current(at, LOOKBACK_MILLIS);
            if (current >= 0) {
                samples.add(new Sample(series.labels(), series.values()[current]));
            }
        }
        return samples;
    }

    private List<SeriesData> range(Expr.MatrixSelector matrix, long time) {
        long end = time - matrix.selector().offsetMillis();
        long start = end - matrix.rangeMillis();
        List<SeriesData> windows = new ArrayList<>();
        for (SeriesData series : loaded.get(matrix.selector())) {
            int from = series.firstAtOrAfter(start);
            int to = series.lastAtOrBefore(end);
            if (from <= to) {
                windows.add(new SeriesData(
                        series.labels(),
                        Arrays.copyOfRange(series.times(), from, to + 1),
                        Arrays.copyOfRange(series.values(), from, to + 1)));
            }
        }
        return windows;
    }

    private List<Sample> call(Expr.Call call, long time) {
        List<Sample> samples = new ArrayList<>();
        for (SeriesData window : range(call.argument(), time)) {
            Double value = RangeFunctions.apply(call.function(), window, call.argument(), time);
            if (value != null) {
                Labels labels = call.function() == Expr.RangeFunction.LAST_OVER_TIME
                        ? window.labels()
                        : window.labels().withoutName();
                samples.add(new Sample(labels, value));
            }
        }
        return samples;
    }

    private List<Sample> aggregate(Expr.Aggregation aggregation, long time) {
        List<Sample> input = ((Vector) evaluate(aggregation.argument(), time)).samples();
        Map<Labels, List<Sample>> groups = new LinkedHashMap<>();
        for (Sample sample : input) {
            groups.computeIfAbsent(aggregation.grouping().keyOf(sample.labels()), key -> new ArrayList<>())
                    .add(sample);
        }
        List<Sample> output = new ArrayList<>();
        if (aggregation.op().takesParameter()) {
            double k = ((Scalar) evaluate(aggregation.parameter(), time)).value();
            groups.values().forEach(group -> output.addAll(extremes(aggregation.op(), group, k)));
            return output;
        }
        groups.forEach((key, group) -> output.add(new Sample(key, combine(aggregation.op(), group))));
        return output;
    }

    private static double combine(Expr.AggregationOp op, List<Sample> group) {
        double result = group.get(0).value();
        double mean = 0;
        int count = 0;
        for (Sample sample : group) {
            double value = sample.value();
            count++;
            switch (op) {
                case SUM -> result = count == 1 ? value : result + value;
                case MIN -> result = Double.isNaN(result) || value < result ? value : result;
                case MAX -> result = Double.isNaN(result) || value > result ? value : result;
                case AVG -> mean += value / count - mean / count;
                default -> {
                    // COUNT needs only the count
                }
            }
        }
        return switch (op) {
            case AVG -> mean;
            case COUNT -> count;
            default -> result;
        };
    }

    /** {@code topk}/{@code bottomk}: the k largest or smallest of a group, with their own labels. */
    private static List<Sample> extremes(Expr.AggregationOp op, List<Sample> group, double k) {
        if (!(k >= 1)) {
            return List.of();
        }
        int keep = (int) Math.min(group.size(), k);
        Comparator<Sample> order = Comparator.comparingDouble(Sample::value);
        if (op == Expr.AggregationOp.TOPK) {
            order = order.reversed();
        }
        // NaN last either way, as Prometheus keeps a NaN only when there is nothing else.
        Comparator<Sample> nanLast = Comparator.comparing(sample -> Double.isNaN(sample.value()));
        return group.stream().sorted(nanLast.thenComparing(order)).limit(keep).toList();
    }

    private Value binary(Expr.Binary binary, long time) {
        Value left = evaluate(binary.left(), time);
        Value right = evaluate(binary.right(), time);
        Expr.BinaryOp op = binary.op();
        if (left instanceof Scalar l && right instanceof Scalar r) {
            return new Scalar(op.apply(l.value(), r.value()));
        }
        if (left instanceof Vector l && right instanceof Scalar r) {
            return new Vector(withScalar(op, l.samples(), r.value(), false, binary.returnBool()));
        }
        if (left instanceof Scalar l && right instanceof Vector r) {
            return new Vector(withScalar(op, r.samples(), l.value(), true, binary.returnBool()));
        }
        return new Vector(oneToOne(op, ((Vector) left).samples(), ((Vector) right).samples(), binary.returnBool()));
    }

    private static List<Sample> withScalar(
            Expr.BinaryOp op, List<Sample> vector, double scalar, boolean scalarFirst, boolean returnBool) {
        List<Sample> output = new ArrayList<>();
        for (Sample sample : vector) {
            double result = scalarFirst ? op.apply(scalar, sample.value()) : op.apply(sample.value(), scalar);
            output.addAll(result(op, sample.labels(), sample.value(), result, returnBool));
        }
        return output;
    }

    /** Vector with vector, each side's series matched by all their labels but the name, one to one. */
    private static List<Sample> oneToOne(Expr.BinaryOp op, List<Sample> left, List<Sample> right, boolean returnBool) {
        Map<Labels, Sample> rightBySignature = new HashMap<>();
        for (Sample sample : right) {
            if (rightBySignature.put(sample.labels().withoutName(), sample) != null) {
                throw new BadQueryException("found duplicate series for the match group "
                        + sample.labels().withoutName() + " on the right hand-side of the operation: "
                        + "many-to-many matching not allowed: matching labels must be unique on one side");
            }
        }
        Map<Labels, Sample> leftBySignature = new HashMap<>();
        List<Sample> output = new ArrayList<>();
        for (Sample sample : left) {
            Labels signature = sample.labels().withoutName();
            if (leftBySignature.put(signature, sample) != null) {
                throw new BadQueryException("found duplicate series for the match group " + signature
                        + " on the left hand-side of the operation: many-to-many matching not allowed: matching"
                        + " labels must be unique on one side");
            }
            Sample match = rightBySignature.get(signature);
            if (match != null) {
                double result = op.apply(sample.value(), match.value());
                output.addAll(result(op, sample.labels(), sample.value(), result, returnBool));
            }
        }
        return output;
    }

    /** A comparison filters (keeping the vector's value and name) unless {@code bool}; arithmetic drops the name. */
    private static List<Sample> result(
            Expr.BinaryOp op, Labels labels, double vectorValue, double result, boolean returnBool) {
        if (op.isComparison() && !returnBool) {
            return result == 1 ? List.of(new Sample(labels, vectorValue)) : List.of();
        }
        return List.of(new Sample(labels.withoutName(), result));
    }
}
