package com.gputelemetry.streamer.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

class RateLimitTest {

    @Test
    void spacesRowsToTheCap() throws Exception {
        var limit = new RateLimit(200);
        var never = new CountDownLatch(1);
        long start = System.nanoTime();
        for (int row = 0; row < 101; row++) {
            assertThat(limit.awaitTurn(never)).isTrue();
        }
        // 100 intervals of 5 ms: never faster than the cap; slower only by what a busy machine adds to the waits,
        // not by whole extra intervals.
        assertThat((System.nanoTime() - start) / 1_000_000).isBetween(495L, 1_500L);
    }

    @Test
    void timeLostWaitingForTheServerIsMadeUpByAQuarterOfASecondsRowsAtMost() throws Exception {
        var limit = new RateLimit(1000);
        var never = new CountDownLatch(1);
        limit.awaitTurn(never);
        Thread.sleep(1000); // as if the server took a second to answer
        long start = System.nanoTime();
        for (int row = 0; row < 250; row++) {
            assertThat(limit.awaitTurn(never)).isTrue();
        }
        long madeUp = (System.nanoTime() - start) / 1_000_000;
        for (int row = 0; row < 100; row++) {
            assertThat(limit.awaitTurn(never)).isTrue();
        }
        long all = (System.nanoTime() - start) / 1_000_000;
        assertThat(madeUp).as("the 250 rows owed come at once").isLessThan(90);
        assertThat(all).as("then the cap again: 100 rows at 1 ms").isBetween(95L, 1_000L);
    }

    @Test
    void noCapNeverWaitsAndAStopEndsAWait() throws Exception {
        var stopped = new CountDownLatch(1);
        assertThat(new RateLimit(0).awaitTurn(stopped)).isTrue();

        var slow = new RateLimit(0.1);
        assertThat(slow.awaitTurn(stopped)).isTrue();
        stopped.countDown();
        assertThat(slow.awaitTurn(stopped))
                .as("the second row would wait 10 s; the stop ends it")
                .isFalse();
    }
}
