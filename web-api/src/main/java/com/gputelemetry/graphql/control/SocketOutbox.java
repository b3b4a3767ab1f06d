package com.gputelemetry.graphql.control;

import io.smallrye.graphql.websocket.GraphQLWebSocketSession;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.logging.Logger;

/**
 * What a GraphQL WebSocket sends, one message in flight at a time and at most {@code limit} waiting behind it: the
 * threads that produce messages (the live feed among them) never wait for a client, and a client that lets the outbox
 * fill is disconnected with 1013 (try again later).
 */
public final class SocketOutbox implements GraphQLWebSocketSession {

    private static final Logger LOG = Logger.getLogger(SocketOutbox.class.getName());

    private final Session session;
    private final int limit;
    private final Runnable dropped;
    // Guarded by this.
    private final Queue<String> waiting = new ArrayDeque<>();
    private boolean sending;

    /**
     * @param dropped run once the client is dropped as too slow: ends its operations at once, since the container may
     *     report the close only when the client reads again
     */
    public SocketOutbox(Session session, int limit, Runnable dropped) {
        this.session = session;
        this.limit = limit;
        this.dropped = dropped;
    }

    @Override
    public void sendMessage(String message) {
        boolean tooSlow = false;
        synchronized (this) {
            if (!session.isOpen()) {
                return;
            }
            if (waiting.size() >= limit) {
                waiting.clear();
                tooSlow = true;
            } else {
                waiting.add(message);
                if (sending) {
                    return;
                }
                sending = true;
            }
        }
        if (tooSlow) {
            LOG.info(() -> "closed a GraphQL WebSocket that could not keep up (" + limit
                    + " messages waiting, LIVE_BUFFER_EVENTS)");
            close(CloseReason.CloseCodes.TRY_AGAIN_LATER.getCode(), "too slow: " + limit + " messages waiting");
            dropped.run();
            return;
        }
        sendNext();
    }

    private void sendNext() {
        String next;
        synchronized (this) {
            next = waiting.poll();
            if (next == null || !session.isOpen()) {
                sending = false;
                return;
            }
        }
        session.getAsyncRemote().sendText(next, result -> {
            if (result.isOK()) {
                sendNext();
            } else {
                synchronized (this) {
                    waiting.clear();
                    sending = false;
                }
            }
        });
    }

    @Override
    public void close(short statusCode, String reason) {
        close((int) statusCode, reason);
    }

    private void close(int statusCode, String reason) {
        try {
            session.close(new CloseReason(CloseReason.CloseCodes.getCloseCode(statusCode), reason));
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public boolean isClosed() {
        return !session.isOpen();
    }
}
