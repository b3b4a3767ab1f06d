package com.gputelemetry.prometheus.control;

import com.gputelemetry.prometheus.entity.Expr;
import com.gputelemetry.prometheus.entity.SeriesData;

/** The functions of a range vector, one series' window at a time, with Prometheus 2's arithmetic. */
final class RangeFunctions {

    private RangeFunctions() {}

    /** @return null where Prometheus gives no sample (too few points) */
    static Double apply(Expr.RangeFunction function, SeriesData window, Expr.MatrixSelector matrix, long time) {
        double[] values = window.values();
        int n = values.length;
        return switch (function) {
            case RATE -> extrapolatedRate(window, matrix, time, true);
            case INCREASE -> extrapolatedRate(window, matrix, time, false);
            case COUNT_OVER_TIME -> (double) n;
            case LAST_OVER_TIME -> values[n - 1];
            case SUM_OVER_TIME -> sum(values);
            case AVG_OVER_TIME -> mean(values);
            case MIN_OVER_TIME -> extreme(values, false);
            case MAX_OVER_TIME -> extreme(values, true);
        };
    }

    private static double sum(double[] values) {
        double sum = 0;
        for (double value : values) {
            sum += value;
        }
        return sum;
    }

    /** Prometheus' running mean, which stays finite where a sum would overflow. */
    private static double mean(double[] values) {
        double mean = 0;
        double count = 0;
        for (double value : values) {
            count++;
            mean += value / count - mean / count;
        }
        return mean;
    }

    private static double extreme(double[] values, boolean max) {
        double result = values[0];
        for (double value : values) {
            if (Double.isNaN(result) || (max ? value > result : value < result)) {
                result = value;
            }
        }
        return result;
    }

    /**
     * The counter's increase over the window, corrected for resets and extrapolated to the window's edges as far as
     * the points' spacing justifies (not past zero at the start): Prometheus' {@code extrapolatedRate}.
     */
    private static Double extrapolatedRate(
            SeriesData window, Expr.MatrixSelector matrix, long time, boolean perSecond) {
        long[] times = window.times();
        double[] values = window.values();
        int n = values.length;
        if (n < 2) {
            return null;
        }
        long rangeEnd = time - matrix.selector().offsetMillis();
        long rangeStart = rangeEnd - matrix.rangeMillis();
        double result = values[n - 1] - values[0];
        double previous = 0;
        for (double value : values) {
            if (value < previous) {
                result += previous;
            }
            previous = value;
        }
        double durationToStart = (times[0] - rangeStart) / 1000.0;
        double durationToEnd = (rangeEnd - times[n - 1]) / 1000.0;
        double sampledInterval = (times[n - 1] - times[0]) / 1000.0;
        double averageDurationBetweenSamples = sampledInterval / (n - 1);
        if (result > 0 && values[0] >= 0) {
            double durationToZero = sampledInterval * (values[0] / result);
            if (durationToZero < durationToStart) {
                durationToStart = durationToZero;
            }
        }
        double extrapolationThreshold = averageDurationBetweenSamples * 1.1;
        double extrapolateToInterval = sampledInterval;
        extrapolateToInterval +=
                durationToStart < extrapolationThreshold ? durationToStart : averageDurationBetweenSamples / 2;
        extrapolateToInterval +=
                durationToEnd < extrapolationThreshold ? durationToEnd : averageDurationBetweenSamples / 2;
        result = result * (extrapolateToInterval / sampledInterval);
        if (perSecond) {
            result = result / (matrix.rangeMillis() / 1000.0);
        }
        return result;
    }
}
