package com.gputelemetry.graphql.control;

import io.smallrye.graphql.websocket.GraphQLWebSocketSession;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.Queue;

/**
 * What a GraphQL WebSocket sends, one message in flight at a time and at most {@code limit} waiting behind it: the
 * threads that produce messages (the live feed among them) never wait for a client, and a client that lets the outbox
 * fill is disconnected with 1013 (try again later).
 */
public final class SocketOutbox implements GraphQLWebSocketSession {

    private final Session session;
    private final int limit;
    // Guarded by this.
    private final Queue<String> waiting = new ArrayDeque<>();
    private boolean sending;

    public SocketOutbox(Session session, int limit) {
        this.session = session;
        this.limit = limit;
    }

    @Override
    public void sendMessage(String message) {
        synchronized (this) {
            if (!session.isOpen()) {
                return;
            }
            if (waiting.size() >= limit) {
                waiting.clear();
                close(CloseReason.CloseCodes.TRY_AGAIN_LATER.getCode(), "too slow: " + limit + " messages waiting");
                return;
            }
            waiting.add(message);
            if (sending) {
                return;
            }
            sending = true;
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
