package com.gputelemetry.system;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Predicate;

/**
 * Waits for something the system under test reaches in its own time, such as the collectors catching up. Fails at the
 * deadline, saying what did not happen and the last value seen.
 */
public final class Poll {

    private static final Duration EVERY = Duration.ofMillis(100);

    private Poll() {}

    /** Reads {@code probe} every 100 ms until its value is {@code done}; answers that value. */
    static <T> T until(String what, Duration timeout, Callable<T> probe, Predicate<T> done) throws Exception {
        return until(what, timeout, EVERY, probe, done);
    }

    public static <T> T until(String what, Duration timeout, Duration every, Callable<T> probe, Predicate<T> done)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T value = probe.call();
            if (done.test(value)) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within " + timeout + "; last seen: " + value);
            }
            Thread.sleep(every.toMillis());
        }
    }
}
