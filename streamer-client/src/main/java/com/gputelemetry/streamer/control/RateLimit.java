package com.gputelemetry.streamer.control;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** Caps the rows read per second by spacing them out; time lost waiting for the server earns no burst afterwards. */
final class RateLimit {

    private static final long SLEEP_THRESHOLD_NANOS = TimeUnit.MILLISECONDS.toNanos(1);

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
        nextRowAt = Math.max(nextRowAt, now);
        long wait = nextRowAt - now;
        nextRowAt += nanosPerRow;
        // Sleeping for every row at high rates would cost more than it spaces; waits are gathered to a millisecond.
        return wait < SLEEP_THRESHOLD_NANOS || !stopped.await(wait, TimeUnit.NANOSECONDS);
    }
}
