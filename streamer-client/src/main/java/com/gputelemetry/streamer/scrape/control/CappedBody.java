package com.gputelemetry.streamer.scrape.control;

import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Collects a response body without blocking a thread, up to a cap of its own and within a budget shared by every
 * body being received: an endless or huge body ends the exchange at the cap instead of filling the heap, and so
 * does a crowd of large ones. The bytes it holds count against the budget until {@link #release()}.
 */
final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {

    private final long cap;
    private final AtomicLong budget;
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;
    private byte[] bytes = new byte[16 * 1024];
    private int size;
    private long reserved;
    private boolean released;

    /** @param budget the bytes still free for all bodies together, shared among the scrapes of a streamer */
    CappedBody(long cap, AtomicLong budget) {
        this.cap = cap;
        this.budget = budget;
    }

    @Override
    public synchronized void onSubscribe(Flow.Subscription subscription) {
        this.subscription = subscription;
        if (result.isDone()) {
            subscription.cancel();
        } else {
            subscription.request(1);
        }
    }

    @Override
    public synchronized void onNext(List<ByteBuffer> buffers) {
        if (result.isDone()) {
            return;
        }
        for (ByteBuffer buffer : buffers) {
            int length = buffer.remaining();
            if (size + (long) length > cap) {
                abort(new ScrapeFailedException("the body is larger than " + size(cap)));
                return;
            }
            if (budget.addAndGet(-length) < 0) {
                budget.addAndGet(length);
                abort(new ScrapeFailedException(
                        "skipped: the bodies being received at once already hold " + "the streamer's budget for them"));
                return;
            }
            reserved += length;
            if (size + length > bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(cap, Math.max(size + length, 2L * bytes.length)));
            }
            buffer.get(bytes, size, length);
            size += length;
        }
        subscription.request(1);
    }

    @Override
    public synchronized void onError(Throwable failure) {
        release();
        result.completeExceptionally(failure);
    }

    @Override
    public synchronized void onComplete() {
        result.complete(Arrays.copyOf(bytes, size));
        // The copy is what counts from here on; the working array goes.
        bytes = null;
    }

    @Override
    public CompletionStage<byte[]> getBody() {
        return result;
    }

    /** Ends the exchange (timeout, a body not worth reading) with this reason. */
    synchronized void abort(Throwable reason) {
        if (subscription != null) {
            subscription.cancel();
        }
        bytes = null;
        release();
        result.completeExceptionally(reason);
    }

    /** Gives the body's bytes back to the shared budget once they have been read. */
    synchronized void release() {
        if (!released) {
            released = true;
            budget.addAndGet(reserved);
        }
    }

    /** A byte count as an operator reads it: 16 MiB, or the exact count. */
    static String size(long bytes) {
        return bytes % (1 << 20) == 0 ? (bytes >> 20) + " MiB" : bytes + " bytes";
    }
}
