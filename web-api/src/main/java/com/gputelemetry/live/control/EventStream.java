package com.gputelemetry.live.control;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * One client's {@code text/event-stream}, written with non-blocking servlet output: events wait in a queue of their
 * own, bounded, and go out only as fast as the connection takes them, so a slow client holds no more than its queue
 * and one of the container's buffers, and no thread ever waits for it. (Writing through JAX-RS SSE, the container kept
 * accepting megabytes for a client that read nothing.)
 */
final class EventStream implements WriteListener {

    private final AsyncContext async;
    private final Runnable completion;
    private final ServletOutputStream out;
    private final int capacity;
    private final Consumer<Boolean> onClose;

    // Guarded by this.
    private final ArrayDeque<byte[]> queue = new ArrayDeque<>();
    private boolean unflushed;
    private volatile boolean closed;

    private EventStream(
            AsyncContext async, Runnable completion, ServletOutputStream out, int capacity, Consumer<Boolean> onClose) {
        this.async = async;
        this.completion = completion;
        this.out = out;
        this.capacity = capacity;
        this.onClose = onClose;
    }

    /**
     * Takes over the response of a request that JAX-RS has suspended (status, headers, body) for good.
     *
     * @param completion ends the response the way the suspending framework expects (it completes the request itself;
     *     completing it directly as well fails in its own listener)
     * @param onClose told once when the stream ends, whether because the client was too slow
     */
    static EventStream open(HttpServletRequest request, Runnable completion, int capacity, Consumer<Boolean> onClose)
            throws IOException {
        AsyncContext async = request.isAsyncStarted() ? request.getAsyncContext() : request.startAsync();
        async.setTimeout(0);
        var response = (HttpServletResponse) async.getResponse();
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType("text/event-stream;charset=UTF-8");
        response.setHeader("Cache-Control", "no-cache");
        // Proxies such as nginx would otherwise hold the events back.
        response.setHeader("X-Accel-Buffering", "no");
        var stream = new EventStream(async, completion, response.getOutputStream(), capacity, onClose);
        async.addListener(new AsyncListener() {
            @Override
            public void onComplete(AsyncEvent event) {
                stream.close(false);
            }

            @Override
            public void onTimeout(AsyncEvent event) {
                stream.close(false);
            }

            @Override
            public void onError(AsyncEvent event) {
                stream.close(false);
            }

            @Override
            public void onStartAsync(AsyncEvent event) {
                // not restarted
            }
        });
        stream.out.setWriteListener(stream);
        return stream;
    }

    /**
     * Queues an event; when the queue is full the client is too slow and the stream is closed.
     *
     * @return whether it was queued
     */
    boolean offer(byte[] event) {
        synchronized (this) {
            if (closed) {
                return false;
            }
            if (queue.size() < capacity) {
                queue.add(event);
                return true;
            }
        }
        close(true);
        return false;
    }

    synchronized int waiting() {
        return queue.size();
    }

    boolean isClosed() {
        return closed;
    }

    /** Writes what the connection takes now, without waiting; the container calls back when it takes more. */
    void pump() {
        try {
            synchronized (this) {
                while (!closed && out.isReady()) {
                    byte[] next = queue.poll();
                    if (next == null) {
                        if (!unflushed) {
                            return;
                        }
                        unflushed = false;
                        out.flush();
                    } else {
                        out.write(next);
                        unflushed = true;
                    }
                }
            }
        } catch (IOException | IllegalStateException e) {
            close(false); // the client went away
        }
    }

    @Override
    public void onWritePossible() {
        pump();
    }

    @Override
    public void onError(Throwable failure) {
        close(false);
    }

    void close(boolean tooSlow) {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
        }
        try {
            completion.run();
        } catch (RuntimeException alreadyComplete) {
            // the client went away and the container ended the request
        }
        onClose.accept(tooSlow);
    }
}
