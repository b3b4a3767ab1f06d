package com.gputelemetry.prometheus.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import com.gputelemetry.prometheus.entity.Expr;
import com.gputelemetry.prometheus.entity.LabelMatcher;
import java.util.List;
import org.junit.jupiter.api.Test;

class PromqlParserTest {

    @Test
    void readsSelectorsWithEveryMatcherRangesAndOffsets() {
        Expr expr = PromqlParser.parse(
                "rate(DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION{Hostname=\"a\", gpu!=\"1\", pod=~\"x.*\", namespace!~'y'}"
                        + "[1h30m] offset 5m)");

        assertThat(expr).isInstanceOf(Expr.Call.class);
        var call = (Expr.Call) expr;
        assertThat(call.function()).isEqualTo(Expr.RangeFunction.RATE);
        assertThat(call.argument().rangeMillis()).isEqualTo(5_400_000);
        assertThat(call.argument().selector().offsetMillis()).isEqualTo(300_000);
        assertThat(call.argument().selector().matchers())
                .extracting(LabelMatcher::name, LabelMatcher::type, LabelMatcher::value)
                .containsExactly(
                        tuple("__name__", LabelMatcher.Type.EQUAL, "DCGM_FI_DEV_TOTAL_ENERGY_CONSUMPTION"),
                        tuple("Hostname", LabelMatcher.Type.EQUAL, "a"),
                        tuple("gpu", LabelMatcher.Type.NOT_EQUAL, "1"),
                        tuple("pod", LabelMatcher.Type.REGEX, "x.*"),
                        tuple("namespace", LabelMatcher.Type.NOT_REGEX, "y"));
    }

    @Test
    void operatorsBindAsInPrometheus() {
        // -2 ^ 2 is -(2 ^ 2); * before +; comparisons last; ^ to the right.
        assertThat(PromqlParser.parse("1 + 2 * 3 ^ 2 ^ 0.5 > bool 4"))
                .isEqualTo(new Expr.Binary(
                        Expr.BinaryOp.GREATER,
                        new Expr.Binary(
                                Expr.BinaryOp.ADD,
                                new Expr.NumberLiteral(1),
                                new Expr.Binary(
                                        Expr.BinaryOp.MULTIPLY,
                                        new Expr.NumberLiteral(2),
                                        new Expr.Binary(
                                                Expr.BinaryOp.POWER,
                                                new Expr.NumberLiteral(3),
                                                new Expr.Binary(
                                                        Expr.BinaryOp.POWER,
                                                        new Expr.NumberLiteral(2),
                                                        new Expr.NumberLiteral(0.5),
                                                        false),
                                                false),
                                        false),
                                false),
                        new Expr.NumberLiteral(4),
                        true));
        assertThat(PromqlParser.parse("-2 ^ 2"))
                .isEqualTo(new Expr.Negation(new Expr.Binary(
                        Expr.BinaryOp.POWER, new Expr.NumberLiteral(2), new Expr.NumberLiteral(2), false)));
    }

    @Test
    void aggregationsTakeTheirGroupingBeforeOrAfter() {
        var before = (Expr.Aggregation) PromqlParser.parse("sum by (Hostname, gpu) (x)");
        var after = (Expr.Aggregation) PromqlParser.parse("sum(x) by (Hostname, gpu)");
        var top = (Expr.Aggregation) PromqlParser.parse("topk without (UUID) (3, x)");

        assertThat(before).isEqualTo(after);
        assertThat(before.grouping()).isEqualTo(new Expr.Grouping(false, List.of("Hostname", "gpu")));
        assertThat(top.op()).isEqualTo(Expr.AggregationOp.TOPK);
        assertThat(top.parameter()).isEqualTo(new Expr.NumberLiteral(3));
        assertThat(top.grouping().without()).isTrue();
    }

    @Test
    void whatIsOutsideTheSubsetIsRefusedNamingIt() {
        assertUnsupported("x and y", "the set operators");
        assertUnsupported("irate(x[5m])", "the function irate");
        assertUnsupported("histogram_quantile(0.9, x)", "the function histogram_quantile");
        assertUnsupported("quantile(0.9, x)", "the aggregation quantile");
        assertUnsupported("rate(x[5m:1m])", "subqueries");
        assertUnsupported("x @ 1700000000", "the @ modifier");
        assertUnsupported("x / on(gpu) y", "vector matching modifiers");
        assertUnsupported("\"text\"", "string literals");
    }

    @Test
    void mistakesAreParseErrorsSayingWhere() {
        assertThatThrownBy(() -> PromqlParser.parse("sum(x"))
                .isInstanceOf(BadQueryException.class)
                .hasMessage("parse error at char 6: unexpected end of input, expected ')'");
        assertThatThrownBy(() -> PromqlParser.parse("{gpu=\"\"}"))
                .hasMessageContaining("vector selector must contain at least one non-empty matcher");
        assertThatThrownBy(() -> PromqlParser.parse("1 > 2")).hasMessageContaining("must use BOOL modifier");
        assertThatThrownBy(() -> PromqlParser.parse("rate(x)"))
                .hasMessageContaining("expected type range vector in call to function \"rate\"");
        assertThatThrownBy(() -> PromqlParser.parse("x{gpu=~\"(\"}"))
                .hasMessageContaining("invalid regular expression");
        assertThatThrownBy(() -> PromqlParser.parse("x[5x]")).hasMessageContaining("bad duration");
        assertThatThrownBy(() -> PromqlParser.parse("nosuch(x)")).hasMessageContaining("unknown function");
    }

    @Test
    void nestingBeyondTheBoundIsRefusedBeforeItExhaustsTheStack() {
        String deep = "(".repeat(10_000) + "x" + ")".repeat(10_000);

        assertThatThrownBy(() -> PromqlParser.parse(deep))
                .isInstanceOf(BadQueryException.class)
                .hasMessageContaining("nested more than 64 levels deep");
    }

    private static void assertUnsupported(String query, String what) {
        assertThatThrownBy(() -> PromqlParser.parse(query))
                .isInstanceOf(BadQueryException.class)
                .hasMessageContaining("not supported: " + what);
    }
}
