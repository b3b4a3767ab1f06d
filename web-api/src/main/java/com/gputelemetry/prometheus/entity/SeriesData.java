package com.gputelemetry.prometheus.entity;

/** One series' points in a time window, ascending by time: times in milliseconds since the epoch. */
public record SeriesData(Labels labels, long[] times, double[] values) {

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
