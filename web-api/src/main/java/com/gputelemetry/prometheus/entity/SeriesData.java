package com.gputelemetry.prometheus.entity;

/**
 * One series' points in a time window, ascending by time: times in milliseconds since the epoch; and the times the
 * series ended (Prometheus' staleness markers), ascending, which are no points.
 */
public record SeriesData(Labels labels, long[] times, double[] values, long[] ends) {

    private static final long[] NO_ENDS = {};

    public SeriesData(Labels labels, long[] times, double[] values) {
        this(labels, times, values, NO_ENDS);
    }

    /**
     * The index of the point an instant selector takes at {@code millis}: the last at or before it within the
     * lookback, unless the series ended after it (and not after {@code millis}); -1 for none.
     */
    public int current(long millis, long lookbackMillis) {
        int last = lastAtOrBefore(millis);
        if (last < 0 || times[last] < millis - lookbackMillis) {
            return -1;
        }
        for (long end : ends) {
            if (end > times[last] && end <= millis) {
                return -1;
            }
        }
        return last;
    }

    public int size() {
        return times.length;
    }

    /** The index of the last point at or before {@code millis}; -1 when there is none. */
    public int lastAtOrBefore(long millis) {
        int low = 0;
        int high = times.length - 1;
        int found = -1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            if (times[middle] <= millis) {
                found = middle;
                low = middle + 1;
            } else {
                high = middle - 1;
            }
        }
        return found;
    }

    /** The index of the first point at or after {@code millis}; {@link #size()} when there is none. */
    public int firstAtOrAfter(long millis) {
        int low = 0;
        int high = times.length;
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (times[middle] < millis) {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        return low;
    }
}
