package com.gputelemetry.prometheus.entity;

import java.util.List;
import java.util.SortedMap;

/** One series of a remote-write request: its labels, by name, and its samples in the order they came. */
public record TimeSeries(SortedMap<String, String> labels, List<Sample> samples) {

    public static final String NAME = "__name__";

    public String name() {
        return labels.get(NAME);
    }

    /** A value at a time (milliseconds since the epoch, as Prometheus keeps them). */
    public record Sample(double value, long timestampMillis) {

        /**
         * The NaN Prometheus writes when a series or its target disappears (its "staleness marker"), told apart from
         * a NaN measured by its bits.
         */
        private static final long STALE_NAN_BITS = 0x7ff0000000000002L;

        public boolean isStalenessMarker() {
            return Double.doubleToRawLongBits(value) == STALE_NAN_BITS;
        }
    }
}
