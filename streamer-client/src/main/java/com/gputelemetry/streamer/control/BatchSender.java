package com.gputelemetry.streamer.control;

import com.gputelemetry.streamer.entity.Batch;
import com.gputelemetry.streamer.entity.StreamStats;
import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Hands batches to the server over a transport and retries what the server could not take: on 429, 5xx or a lost
 * connection it waits (the server's Retry-After, else an exponential backoff with jitter) and sends the same batch
 * under the same sequence again, so the server stores it once. Each retry is logged with its reason and wait, so
 * that an operator sees the pushback.
 */
public class BatchSender {

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

    private final Transport transport;
    private final StreamStats stats;
    private final EventLog log;
    private final Duration retryBudget;
    private final Consumer<Duration> pause;

    /** @param retryBudget how long one batch may be retried before the server counts as unreachable */
    public BatchSender(Transport transport, StreamStats stats, EventLog log, Duration retryBudget) {
        this(transport, stats, log, retryBudget, BatchSender::sleep);
    }

    /** @param pause waits between two attempts for the given time */
    BatchSender(Transport transport, StreamStats stats, EventLog log, Duration retryBudget, Consumer<Duration> pause) {
        this.transport = transport;
        this.stats = stats;
        this.log = log;
        this.retryBudget = retryBudget;
        this.pause = pause;
    }

    /**
     * @param giveUp checked between retries: true once a shutdown allows no more waiting
     * @throws ServerUnreachableException when the batch was not acknowledged within the retry budget
     * @throws ServerRefusedException when the server refuses the streamer itself (401, 403): no batch can succeed
     */
    public IngestReply send(Batch batch, BooleanSupplier giveUp) {
        long deadline = System.nanoTime() + retryBudget.toNanos();
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            Duration wait;
            String failure;
            Optional<Duration> serverAsked = Optional.empty();
            try {
                Transport.Answer answer = transport.send(batch);
                int status = answer.status();
                if (status == 200) {
                    return IngestReply.parse(answer.body());
                }
                if (status == 401 || status == 403) {
                    throw new ServerRefusedException("the server refused this streamer (HTTP " + status
                            + "); is --token right? " + answer.body());
                }
                if (!retriable(status)) {
                    // The server refuses this batch for what it is; sending it again cannot help.
                    return IngestReply.refused(batch.size(), "HTTP " + status + ": " + answer.body());
                }
                failure = "HTTP " + status;
                serverAsked = answer.retryAfter();
                wait = serverAsked.orElse(jitter(backoff));
            } catch (IOException e) {
                failure = e.toString();
                wait = jitter(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServerUnreachableException("interrupted while sending batch " + batch.sequence());
            }
            if (giveUp.getAsBoolean()) {
                throw new ServerUnreachableException("batch " + batch.sequence() + " not acknowledged by " + transport
                        + " before shutdown; last failure: " + failure);
            }
            if (System.nanoTime() + wait.toNanos() > deadline) {
                throw new ServerUnreachableException("batch " + batch.sequence() + " not acknowledged by " + transport
                        + " within " + retryBudget.toSeconds() + " s; last failure: " + failure);
            }
            stats.retried();
            log.log(
                    "retrying",
                    "sequence",
                    Long.toString(batch.sequence()),
                    "reason",
                    failure,
                    "retryAfterSeconds",
                    serverAsked.map(d -> Long.toString(d.toSeconds())).orElse(""),
                    "waitMillis",
                    Long.toString(wait.toMillis()));
            pause.accept(wait);
            backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
        }
    }

    /**
     * Worth sending again: overload (429), server trouble (5xx), a timeout (408), and 404, which a restarting
     * server answers while the application is still being deployed. Anything else is about the batch itself.
     */
    static boolean retriable(int status) {
        return status == 404 || status == 408 || status == 429 || status >= 500;
    }

    private static Duration jitter(Duration backoff) {
        // Between half and all of the backoff: many streamers do not retry in lockstep after a server restart, and
        // none comes back at once.
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(backoff.toMillis() / 2, backoff.toMillis() + 1));
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
