package com.gputelemetry.prometheus.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.within;

import com.gputelemetry.prometheus.entity.LabelMatcher;
import com.gputelemetry.prometheus.entity.Labels;
import com.gputelemetry.prometheus.entity.PointBudget;
import com.gputelemetry.prometheus.entity.QueryDeadline;
import com.gputelemetry.prometheus.entity.Sample;
import com.gputelemetry.prometheus.entity.SeriesData;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromqlEvaluatorTest {

    private static final long S = 1000;

    /** Series held in memory, selected as the server selects stored ones. */
    private record SeriesList(List<SeriesData> series) implements SeriesSource {
        @Override
        public List<SeriesData> select(
                List<LabelMatcher> matchers, long from, long to, PointBudget budget, QueryDeadline deadline) {
            List<SeriesData> selected = new ArrayList<>();
            for (SeriesData one : series) {
                if (matchers.stream().allMatch(matcher -> matcher.matches(one.labels(), deadline))) {
                    int first = one.firstAtOrAfter(from);
                    int last = one.lastAtOrBefore(to);
                    long[] times = first <= last ? Arrays.copyOfRange(one.times(), first, last + 1) : new long[0];
                    double[] values = first <= last ? Arrays.copyOfRange(one.values(), first, last + 1) : new double[0];
                    budget.take(times.length);
                    selected.add(new SeriesData(one.labels(), times, values, one.ends()));
                }
            }
            return selected;
        }
    }

    private static SeriesData series(String metric, String host, String gpu, long[] times, double[] values) {
        return new SeriesData(Labels.of(Map.of("__name__", metric, "Hostname", host, "gpu", gpu)), times, values);
    }

    private static List<Sample> vector(SeriesSource source, String query, long time) {
        return ((PromqlEvaluator.Vector) evaluate(source, query, time)).samples();
    }

    private static PromqlEvaluator.Value evaluate(SeriesSource source, String query, long time) {
        var expr = PromqlParser.parse(query);
        return PromqlEvaluator.prepare(expr, time, time, 0, source, new PointBudget(1_000), QueryDeadline.NONE)
                .evaluate(expr, time);
    }

    @Test
    void anInstantSelectorTakesEachSeriesLatestPointWithinFiveMinutesOfTheTimeOrItsOffset() {
        var source = new SeriesList(List.of(
                series("temp", "a", "0", new long[] {0, 60 * S}, new double[] {40, 41}),
                series("temp", "a", "1", new long[] {0}, new double[] {50})));

        assertThat(vector(source, "temp", 60 * S)).extracting(Sample::value).containsExactly(41.0, 50.0);
        assertThat(vector(source, "temp", 300 * S)).extracting(Sample::value).containsExactly(41.0, 50.0);
        assertThat(vector(source, "temp", 301 * S)).extracting(Sample::value).containsExactly(41.0);
        assertThat(vector(source, "temp offset 61s", 120 * S))
                .extracting(Sample::value)
                .containsExactly(40.0, 50.0);
        assertThat(vector(source, "temp", 120 * S).get(0).labels().get("__name__"))
                .isEqualTo("temp");
    }

    @Test
    void aSeriesEndedByAStalenessMarkerHasNoValueAfterItUntilItsNextPoint() {
        var ended = new SeriesData(
                Labels.of(Map.of("__name__", "temp", "Hostname", "a", "gpu", "0")),
                new long[] {0, 10 * S, 100 * S},
                new double[] {40, 41, 42},
                new long[] {20 * S});
        var source = new SeriesList(List.of(ended));

        assertThat(vector(source, "temp", 19 * S)).extracting(Sample::value).containsExactly(41.0);
        assertThat(vector(source, "temp", 20 * S)).as("at its marker").isEmpty();
        assertThat(vector(source, "temp", 99 * S))
                .as("within the lookback, but ended")
                .isEmpty();
        assertThat(vector(source, "temp", 100 * S))
                .as("a new point")
                .extracting(Sample::value)
                .containsExactly(42.0);
        assertThat(vector(source, "count_over_time(temp[200s])", 150 * S))
                .as("a marker is no point of a range")
                .extracting(Sample::value)
                .containsExactly(3.0);
    }

    @Test
    void rateAndIncreaseExtrapolateToTheWindowAsPrometheusDoes() {
        // Samples at 5, 20, 35, 50 s rising by 15: at 60 s over [1m] the increase reaches back to zero at 0 s (5 s
        // before the first sample, less than 1.1 spacings) and on to 60 s (10 s after the last): 45 × 60 / 45.
        var source = new SeriesList(List.of(
                series("energy", "a", "0", new long[] {5 * S, 20 * S, 35 * S, 50 * S}, new double[] {5, 20, 35, 50})));

        assertThat(vector(source, "increase(energy[1m])", 60 * S))
                .singleElement()
                .satisfies(sample -> {
                    assertThat(sample.value()).isCloseTo(60, within(1e-12));
                    assertThat(sample.labels().asMap()).doesNotContainKey("__name__");
                });
        assertThat(vector(source, "rate(energy[1m])", 60 * S).get(0).value()).isCloseTo(1, within(1e-12));
        // 20 s from the window's start, more than 1.1 spacings (16.5 s), it extrapolates half a spacing there, and the
        // 10 s to the end in full: 30 × (30 + 7.5 + 10) / 30.
        var late = new SeriesList(List.of(
                series("energy", "a", "0", new long[] {20 * S, 35 * S, 50 * S}, new double[] {1000, 1015, 1030})));
        assertThat(vector(late, "increase(energy[1m])", 60 * S).get(0).value()).isCloseTo(47.5, within(1e-12));
    }

    @Test
    void aCounterResetCountsTheValueBeforeItAsIncrease() {
        var source = new SeriesList(List.of(
                series("energy", "a", "0", new long[] {0, 15 * S, 30 * S, 45 * S}, new double[] {10, 20, 5, 15})));

        // 10 + (20 after the reset) + 5 ... : last - first + value before the reset = 15 - 10 + 20.
        assertThat(vector(source, "increase(energy[45s])", 45 * S).get(0).value())
                .isCloseTo(25, within(1e-12));
        assertThat(vector(source, "increase(energy[45s])", 45 * S)).hasSize(1);
        assertThat(vector(source, "increase(energy[10s])", 45 * S))
                .as("one sample is no rate")
                .isEmpty();
    }

    @Test
    void overTimeFunctionsDropTheNameButLastOverTimeKeepsIt() {
        var source = new SeriesList(
                List.of(series("util", "a", "0", new long[] {0, 10 * S, 20 * S}, new double[] {10, 40, 70})));

        assertThat(vector(source, "avg_over_time(util[20s])", 20 * S).get(0).value())
                .isEqualTo(40);
        assertThat(vector(source, "min_over_time(util[15s])", 20 * S).get(0).value())
                .isEqualTo(40);
        assertThat(vector(source, "max_over_time(util[20s])", 20 * S).get(0).value())
                .isEqualTo(70);
        assertThat(vector(source, "sum_over_time(util[20s])", 20 * S).get(0).value())
                .isEqualTo(120);
        assertThat(vector(source, "count_over_time(util[20s])", 20 * S).get(0).value())
                .isEqualTo(3);
        assertThat(vector(source, "avg_over_time(util[20s])", 20 * S)
                        .get(0)
                        .labels()
                        .get("__name__"))
                .isEmpty();
        assertThat(vector(source, "last_over_time(util[20s])", 20 * S)
                        .get(0)
                        .labels()
                        .get("__name__"))
                .isEqualTo("util");
    }

    @Test
    void aggregationsGroupByOrWithoutLabelsAndTopkKeepsEachSeriesOwnLabels() {
        var source = new SeriesList(List.of(
                series("power", "a", "0", new long[] {0}, new double[] {100}),
                series("power", "a", "1", new long[] {0}, new double[] {300}),
                series("power", "b", "0", new long[] {0}, new double[] {200})));

        assertThat(vector(source, "sum by (Hostname) (power)", 0))
                .containsExactly(
                        new Sample(Labels.of(Map.of("Hostname", "a")), 400),
                        new Sample(Labels.of(Map.of("Hostname", "b")), 200));
        assertThat(vector(source, "max without (gpu) (power)", 0))
                .containsExactly(
                        new Sample(Labels.of(Map.of("Hostname", "a")), 300),
                        new Sample(Labels.of(Map.of("Hostname", "b")), 200));
        assertThat(vector(source, "avg(power)", 0)).containsExactly(new Sample(Labels.EMPTY, 200));
        assertThat(vector(source, "count(power > 150)", 0)).containsExactly(new Sample(Labels.EMPTY, 2));
        assertThat(vector(source, "topk(2, power)", 0))
                .extracting(
                        sample -> sample.labels().get("__name__") + "/"
                                + sample.labels().get("gpu"),
                        Sample::value)
                .containsExactly(tuple("power/1", 300.0), tuple("power/0", 200.0));
        assertThat(vector(source, "bottomk by (Hostname) (1, power)", 0))
                .extracting(Sample::value)
                .containsExactly(100.0, 200.0);
    }

    @Test
    void arithmeticDropsTheNameComparisonsFilterKeepingItAndBoolGivesZeroOrOne() {
        var source = new SeriesList(List.of(
                series("used", "a", "0", new long[] {0}, new double[] {30}),
                series("free", "a", "0", new long[] {0}, new double[] {10}),
                series("used", "a", "1", new long[] {0}, new double[] {5}),
                series("free", "a", "1", new long[] {0}, new double[] {15})));

        assertThat(vector(source, "used * 2", 0))
                .allSatisfy(
                        sample -> assertThat(sample.labels().get("__name__")).isEmpty())
                .extracting(Sample::value)
                .containsExactly(60.0, 10.0);
        assertThat(vector(source, "used > 10", 0))
                .containsExactly(new Sample(Labels.of(Map.of("__name__", "used", "Hostname", "a", "gpu", "0")), 30));
        assertThat(vector(source, "20 > used", 0)).extracting(Sample::value).containsExactly(5.0);
        assertThat(vector(source, "used > bool 10", 0))
                .extracting(Sample::value)
                .containsExactly(1.0, 0.0);
        assertThat(vector(source, "used * 100 / (used + free)", 0))
                .extracting(Sample::value)
                .containsExactly(75.0, 25.0);
        assertThat(vector(source, "-used", 0)).extracting(Sample::value).containsExactly(-30.0, -5.0);
        assertThat(((PromqlEvaluator.Scalar) evaluate(source, "2 ^ 3 % 5", 0)).value())
                .isEqualTo(3);
    }

    @Test
    void aQueryThatWouldLoadMoreThanItsBudgetIsRefused() {
        var source = new SeriesList(List.of(series("m", "a", "0", new long[] {0, 1, 2, 3}, new double[] {1, 2, 3, 4})));
        var expr = PromqlParser.parse("sum_over_time(m[1m])");

        assertThatThrownBy(() -> PromqlEvaluator.prepare(
                        expr, 60 * S, 60 * S, 0, source, new PointBudget(3), QueryDeadline.NONE))
                .isInstanceOf(PointBudget.TooManyPointsException.class)
                .hasMessageContaining("more than 3");
    }

    @Test
    void aRegularExpressionThatBacktracksForeverEndsAtTheDeadline() {
        String value = "a".repeat(40) + "!";
        var source = new SeriesList(List.of(
                new SeriesData(Labels.of(Map.of("__name__", "m", "pod", value)), new long[] {0}, new double[] {1})));
        // Java's matcher backtracks through every way of splitting the a's (minutes for this value, unbounded):
        var expr = PromqlParser.parse("m{pod=~\"(.*a){20}b\"}");
        long started = System.nanoTime();

        assertThatThrownBy(() ->
                        PromqlEvaluator.prepare(expr, 0, 0, 0, source, new PointBudget(10), QueryDeadline.in(200)))
                .isInstanceOf(QueryDeadline.QueryTimeoutException.class);
        assertThat((System.nanoTime() - started) / 1_000_000)
                .as("ms until it ended")
                .isLessThan(10_000);
    }
}
