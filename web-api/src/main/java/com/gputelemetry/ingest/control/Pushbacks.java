package com.gputelemetry.ingest.control;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The batches this server refused with 429, and whether their producers waited the Retry-After before coming back:
 * backpressure only works when clients honour it, and an operator should see the ones that do not.
 */
@ApplicationScoped
public class Pushbacks {

    /** Enough for every producer of a large fleet; beyond it the memory is forgotten rather than grown. */
    private static final int PRODUCERS_REMEMBERED = 10_000;

    private final Map<String, Long> notBeforeNanos = new ConcurrentHashMap<>();
    private final AtomicLong refused = new AtomicLong();
    private final AtomicLong early = new AtomicLong();

    /** A batch of this producer arrived: early when the producer was told to wait longer. */
    void arrived(String producerId) {
        Long notBefore = notBeforeNanos.remove(producerId);
        if (notBefore != null && System.nanoTime() - notBefore < 0) {
            early.incrementAndGet();
        }
    }

    /** This producer's batch is refused, and it is told to come back in {@code retryAfterSeconds}. */
    void refused(String producerId, long retryAfterSeconds) {
        refused.incrementAndGet();
        if (notBeforeNanos.size() >= PRODUCERS_REMEMBERED) {
            notBeforeNanos.clear();
        }
        notBeforeNanos.put(producerId, System.nanoTime() + TimeUnit.SECONDS.toNanos(retryAfterSeconds));
    }

    /** Batches refused with 429 since this server started. */
    public long refused() {
        return refused.get();
    }

    /** Batches that came back before the Retry-After of their producer's last refusal had passed. */
    public long early() {
        return early.get();
    }
}
