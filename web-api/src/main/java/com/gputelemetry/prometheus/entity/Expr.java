package com.gputelemetry.prometheus.entity;

import java.util.List;

/** A parsed PromQL expression of the subset the server answers. */
public sealed interface Expr {

    /** A number: a scalar. */
    record NumberLiteral(double value) implements Expr {}

    /** {@code metric{label="x"} offset 5m}: the latest sample of each series within the lookback. */
    record VectorSelector(List<LabelMatcher> matchers, long offsetMillis) implements Expr {}

    /** {@code selector[5m]}: the samples of each series in the range, as a range function's argument. */
    record MatrixSelector(VectorSelector selector, long rangeMillis) implements Expr {}

    /** A function of a range vector: {@code rate}, {@code increase}, the {@code *_over_time} family. */
    record Call(RangeFunction function, MatrixSelector argument) implements Expr {}

    /** {@code sum by (host) (…)}, {@code topk(3, …)}. */
    record Aggregation(AggregationOp op, Grouping grouping, Expr parameter, Expr argument) implements Expr {}

    /** Arithmetic or comparison; {@code bool} makes a comparison give 0 or 1 instead of filtering. */
    record Binary(BinaryOp op, Expr left, Expr right, boolean returnBool) implements Expr {}

    /** Unary minus. */
    record Negation(Expr argument) implements Expr {}

    /** Which labels an aggregation keeps ({@code by}) or drops ({@code without}); neither: all into one group. */
    record Grouping(boolean without, List<String> labels) {
        public static final Grouping NONE = new Grouping(false, List.of());

        public Labels keyOf(Labels labels) {
            if (without) {
                return labels.without(this.labels).withoutName();
            }
            return labels.only(this.labels);
        }
    }

    enum RangeFunction {
        RATE("rate"),
        INCREASE("increase"),
        AVG_OVER_TIME("avg_over_time"),
        MIN_OVER_TIME("min_over_time"),
        MAX_OVER_TIME("max_over_time"),
        SUM_OVER_TIME("sum_over_time"),
        COUNT_OVER_TIME("count_over_time"),
        LAST_OVER_TIME("last_over_time");

        private final String promql;

        RangeFunction(String promql) {
            this.promql = promql;
        }

        public String promql() {
            return promql;
        }
    }

    enum AggregationOp {
        SUM("sum"),
        AVG("avg"),
        MIN("min"),
        MAX("max"),
        COUNT("count"),
        TOPK("topk"),
        BOTTOMK("bottomk");

        private final String promql;

        AggregationOp(String promql) {
            this.promql = promql;
        }

        public String promql() {
            return promql;
        }

        public boolean takesParameter() {
            return this == TOPK || this == BOTTOMK;
        }
    }

    enum BinaryOp {
        ADD("+", false),
        SUBTRACT("-", false),
        MULTIPLY("*", false),
        DIVIDE("/", false),
        MODULO("%", false),
        POWER("^", false),
        EQUAL("==", true),
        NOT_EQUAL("!=", true),
        GREATER(">", true),
        LESS("<", true),
        GREATER_OR_EQUAL(">=", true),
        LESS_OR_EQUAL("<=", true);

        private final String symbol;
        private final boolean comparison;

        BinaryOp(String symbol, boolean comparison) {
            this.symbol = symbol;
            this.comparison = comparison;
        }

        public String symbol() {
            return symbol;
        }

        public boolean isComparison() {
            return comparison;
        }

        /** As Prometheus computes it (Go's float64 arithmetic; {@code %} is {@code math.Mod}). */
        public double apply(double left, double right) {
            return switch (this) {
                case ADD -> left + right;
                case SUBTRACT -> left - right;
                case MULTIPLY -> left * right;
                case DIVIDE -> left / right;
                case MODULO -> left % right;
                case POWER -> Math.pow(left, right);
                case EQUAL -> left == right ? 1 : 0;
                case NOT_EQUAL -> left != right ? 1 : 0;
                case GREATER -> left > right ? 1 : 0;
                case LESS -> left < right ? 1 : 0;
                case GREATER_OR_EQUAL -> left >= right ? 1 : 0;
                case LESS_OR_EQUAL -> left <= right ? 1 : 0;
            };
        }
    }
}
