package com.gputelemetry.prometheus.entity;

/**
 * How many points one query may load: what bounds its memory, whatever it asks for. Prometheus' error type
 * {@code execution} (422) when it would load more.
 */
public final class PointBudget {

    private final long max;
    private long taken;

    public PointBudget(long max) {
        this.max = max;
    }

    /** @throws TooManyPointsException when the query would hold more than its budget */
    public void take(long points) {
        taken += points;
        if (taken > max) {
            throw new TooManyPointsException(max);
        }
    }

    public long taken() {
        return taken;
    }

    public long left() {
        return Math.max(0, max - taken);
    }

    public static class TooManyPointsException extends RuntimeException {
        public TooManyPointsException(long max) {
            super("query processing would load too many samples into memory (more than " + max
                    + ", PROMETHEUS_QUERY_MAX_POINTS); ask for fewer series or a shorter window");
        }
    }
}
