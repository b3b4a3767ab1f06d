package com.gputelemetry.streamer.control;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Caps the rows read per second by spacing them out. Time spent waiting for the server's answer is made up afterwards
 * by at most a quarter of a second's rows, so that the cap is the rate a healthy server really gets, while a streamer
 * that waited out an outage does not come back with a flood.
 */
final class RateLimit {

    private static final long SLEEP_THRESHOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long MAX_CATCH_UP_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private final long nanosPerRow;
    private long nextRowAt = System.nanoTime();

    /** @param rowsPerSecond 0 or less: no cap */
    RateLimit(double rowsPerSecond) {
        this.nanosPerRow = rowsPerSecond > 0 ? (long) (TimeUnit.SECONDS.toNanos(1) / rowsPerSecond) : 0;
    }

    /** Waits until the next row may be read; false when {@code stopped} opened meanwhile. */
    boolean awaitTurn(CountDownLatch stopped) throws InterruptedException {
        if (nanosPerRow == 0) {
            return true;
        }
        long now = System.nanoTime();
        nextRowAt = Math.max(nextRowAt, now - MAX_CATCH_UP_NANOS);
        long wait = nextRowAt - now;
        nextRowAt += nanosPerRow;
        // Sleeping for every row at high rates would cost more than it spaces; waits are gathered to a millisecond.
        return wait < SLEEP_THRESHOLD_NANOS || !stopped.await(wait, TimeUnit.NANOSECONDS);
    }
}
