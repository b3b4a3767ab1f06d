package com.gputelemetry.rollup.entity;

import java.io.Serializable;
import java.util.Objects;

/**
 * The points of one series in one bucket, aggregated: count, sum, min, max, and the first and last value with their
 * times (the earliest point first; of points at one time, the one included first). Combining two rollups of the same
 * points split in two gives the rollup of all of them.
 */
public abstract class Rollup {

    private final long seriesId;
    private final long bucketMicros;
    private int count;
    private double sum;
    private double min;
    private double max;
    private long firstMicros;
    private double first;
    private long lastMicros;
    private double last;

    /** A rollup of one point. */
    protected Rollup(long seriesId, long bucketMicros, long timeMicros, double value) {
        this(seriesId, bucketMicros, new Aggregate(1, value, value, value, timeMicros, value, timeMicros, value));
    }

    /** A rollup the database aggregated. */
    protected Rollup(long seriesId, long bucketMicros, Aggregate of) {
        this.seriesId = seriesId;
        this.bucketMicros = bucketMicros;
        take(of);
    }

    /** A copy of another tier's rollup under this tier's bucket. */
    protected Rollup(Rollup of, long bucketMicros) {
        this(of.seriesId, bucketMicros, of.aggregate());
    }

    /** Aggregates of points as a query computes them. */
    public record Aggregate(
            int count,
            double sum,
            double min,
            double max,
            long firstMicros,
            double first,
            long lastMicros,
            double last) {

        /** Count, sum, min, max, first time and value, last time and value, from that column of a query's row on. */
        public static Aggregate of(Object[] row, int from) {
            return new Aggregate(
                    ((Number) row[from]).intValue(),
                    ((Number) row[from + 1]).doubleValue(),
                    ((Number) row[from + 2]).doubleValue(),
                    ((Number) row[from + 3]).doubleValue(),
                    ((Number) row[from + 4]).longValue(),
                    ((Number) row[from + 5]).doubleValue(),
                    ((Number) row[from + 6]).longValue(),
                    ((Number) row[from + 7]).doubleValue());
        }
    }

    private Aggregate aggregate() {
        return new Aggregate(count, sum, min, max, firstMicros, first, lastMicros, last);
    }

    private void take(Aggregate of) {
        count = of.count();
        sum = of.sum();
        min = of.min();
        max = of.max();
        firstMicros = of.firstMicros();
        first = of.first();
        lastMicros = of.lastMicros();
        last = of.last();
    }

    public void include(long timeMicros, double value) {
        count++;
        sum += value;
        min = Math.min(min, value);
        max = Math.max(max, value);
        if (timeMicros < firstMicros) {
            firstMicros = timeMicros;
            first = value;
        }
        if (timeMicros >= lastMicros) {
            lastMicros = timeMicros;
            last = value;
        }
    }

    /** Adds the points of another rollup of the same series, none of them in this one. */
    public void include(Rollup other) {
        count += other.count;
        sum += other.sum;
        min = Math.min(min, other.min);
        max = Math.max(max, other.max);
        if (other.firstMicros < firstMicros) {
            firstMicros = other.firstMicros;
            first = other.first;
        }
        if (other.lastMicros >= lastMicros) {
            lastMicros = other.lastMicros;
            last = other.last;
        }
    }

    public long seriesId() {
        return seriesId;
    }

    public long bucketMicros() {
        return bucketMicros;
    }

    public int count() {
        return count;
    }

    public double sum() {
        return sum;
    }

    public double min() {
        return min;
    }

    public double max() {
        return max;
    }

    public long firstMicros() {
        return firstMicros;
    }

    public double first() {
        return first;
    }

    public long lastMicros() {
        return lastMicros;
    }

    public double last() {
        return last;
    }

    /** A series and a bucket's start: the primary key of the blocks of rollups (a block's start). */
    public static class Key implements Serializable {

        private long seriesId;
        private long bucketMicros;

        protected Key() {}

        public Key(long seriesId, long bucketMicros) {
            this.seriesId = seriesId;
            this.bucketMicros = bucketMicros;
        }

        public long seriesId() {
            return seriesId;
        }

        public long bucketMicros() {
            return bucketMicros;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key other && seriesId == other.seriesId && bucketMicros == other.bucketMicros;
        }

        @Override
        public int hashCode() {
            return Objects.hash(seriesId, bucketMicros);
        }
    }
}
