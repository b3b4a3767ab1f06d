package com.gputelemetry.streamer.control;

import com.gputelemetry.streamer.entity.Batch;
import com.gputelemetry.streamer.entity.StreamStats;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BooleanSupplier;

/**
 * Posts batches to the server's ingest endpoint and retries what the server could not take: on 429, 5xx or a lost
 * connection it waits (the server's Retry-After, else exponential backoff with jitter) and sends the same batch
 * under the same sequence again, so the server stores it once.
 */
public class BatchPoster {

    private static final Duration FIRST_BACKOFF = Duration.ofMillis(200);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);

    // HTTP/1.1: the server speaks plain HTTP, and an h2c upgrade attempt on every new connection only costs.
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final URI ingest;
    private final String producerId;
    private final StreamStats stats;
    private final Duration retryBudget;

    /** @param retryBudget how long one batch may be retried before the server counts as unreachable */
    public BatchPoster(URI server, String producerId, StreamStats stats, Duration retryBudget) {
        this.ingest = server.resolve("/api/v1/ingest");
        this.producerId = producerId;
        this.stats = stats;
        this.retryBudget = retryBudget;
    }

    /** @param giveUpEarly checked between retries: true once a shutdown allows no more waiting */
    public IngestReply post(Batch batch, BooleanSupplier giveUpEarly) {
        HttpRequest request = HttpRequest.newBuilder(ingest)
                .timeout(REQUEST_TIMEOUT)
                .header("Content-Type", "text/csv; charset=utf-8")
                .header("Producer-Id", producerId)
                .header("Producer-Sequence", Long.toString(batch.sequence()))
                .POST(HttpRequest.BodyPublishers.ofString(batch.toCsv()))
                .build();
        long deadline = System.nanoTime() + retryBudget.toNanos();
        Duration backoff = FIRST_BACKOFF;
        while (true) {
            Duration wait;
            String failure;
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status == 200) {
                    return IngestReply.parse(response.body());
                }
                if (!retriable(status)) {
                    // The server refuses this batch for what it is; sending it again cannot help.
                    return IngestReply.refused(batch.size(), "HTTP " + status + ": " + response.body());
                }
                failure = "HTTP " + status;
                wait = response.headers()
                        .firstValue("Retry-After")
                        .map(BatchPoster::seconds)
                        .orElse(jitter(backoff));
            } catch (IOException e) {
                failure = e.toString();
                wait = jitter(backoff);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ServerUnreachableException("interrupted while sending batch " + batch.sequence());
            }
            if (giveUpEarly.getAsBoolean()) {
                throw new ServerUnreachableException("batch " + batch.sequence() + " not acknowledged by " + ingest
                        + " before shutdown; last failure: " + failure);
            }
            if (System.nanoTime() + wait.toNanos() > deadline) {
                throw new ServerUnreachableException("batch " + batch.sequence() + " not acknowledged by " + ingest
                        + " within " + retryBudget.toSeconds() + " s; last failure: " + failure);
            }
            stats.retried();
            sleep(wait);
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
        // Full jitter keeps many streamers from retrying in lockstep after a server restart.
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(backoff.toMillis() / 2, backoff.toMillis() + 1));
    }

    private static Duration seconds(String retryAfter) {
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(retryAfter.strip())));
        } catch (NumberFormatException e) {
            return FIRST_BACKOFF;
        }
    }

    private static void sleep(Duration wait) {
        try {
            Thread.sleep(wait.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
