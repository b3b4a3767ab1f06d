package com.gputelemetry;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Waits for what the server reaches in its own time, such as the collectors storing a batch; fails at the deadline
 * saying what did not happen. The tests that run inside the server add it to their deployment (and use JUnit's
 * assertions there: AssertJ is not deployed).
 */
public final class Poll {

    private Poll() {}

    public static void until(String what, Duration timeout, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + timeout);
            }
            Thread.sleep(50);
        }
    }
}
