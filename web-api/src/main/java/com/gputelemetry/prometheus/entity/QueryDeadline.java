package com.gputelemetry.prometheus.entity;

/**
 * When a query must have finished. Java's regular expressions backtrack: a hostile pattern on a long label value could
 * run for hours, so the text it runs on checks the clock as the matcher reads it.
 */
public final class QueryDeadline {

    public static final QueryDeadline NONE = new QueryDeadline(Long.MAX_VALUE);

    private final long deadlineNanos;

    private QueryDeadline(long deadlineNanos) {
        this.deadlineNanos = deadlineNanos;
    }

    public static QueryDeadline in(long millis) {
        return new QueryDeadline(System.nanoTime() + millis * 1_000_000);
    }

    /** @throws QueryTimeoutException when the time is up */
    public void check() {
        if (deadlineNanos != Long.MAX_VALUE && System.nanoTime() - deadlineNanos > 0) {
            throw new QueryTimeoutException();
        }
    }

    CharSequence watched(String text) {
        return deadlineNanos == Long.MAX_VALUE ? text : new Watched(text);
    }

    /** The query ran out of time; Prometheus' error type {@code timeout}. */
    public static class QueryTimeoutException extends RuntimeException {
        public QueryTimeoutException() {
            super("query timed out in expression evaluation");
        }
    }

    private final class Watched implements CharSequence {
        private final String text;
        private int reads;

        Watched(String text) {
            this.text = text;
        }

        @Override
        public int length() {
            return text.length();
        }

        @Override
        public char charAt(int index) {
            if ((++reads & 0xFFF) == 0) {
                check();
            }
            return text.charAt(index);
        }

        @Override
        public CharSequence subSequence(int start, int end) {
            return text.subSequence(start, end);
        }

        @Override
        public String toString() {
            return text;
        }
    }
}
