package com.gputelemetry.system;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.net.URI;
import java.net.http.WebSocket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** A WebSocket producer, as the streamer's WebSocket transport talks to the server: one batch, one answer. */
public final class IngestSocketClient implements WebSocket.Listener, AutoCloseable {

    private static final Jsonb JSON = JsonbBuilder.create();

    /** The server's answer to one batch; public, as JSON-B reads it reflectively. */
    public record Reply(String sequence, int status, String title, String detail, String parameter, Long retryAfter) {}

    private final StringBuilder text = new StringBuilder();
    private CompletableFuture<String> reply = new CompletableFuture<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private WebSocket socket;

    /** @param producer the producer id of the handshake; none when null */
    static IngestSocketClient open(RunningServer server, String producer) throws Exception {
        var client = new IngestSocketClient();
        URI uri = URI.create(server.uri("/api/v1/ingest/stream").toString().replaceFirst("^http", "ws")
                + (producer == null ? "" : "?producer-id=" + producer));
        client.socket =
                Http.CLIENT.newWebSocketBuilder().buildAsync(uri, client).get(30, TimeUnit.SECONDS);
        return client;
    }

    /** Sends one batch (its sequence on the first line) and waits at most 30 s for its answer. */
    Reply send(String message) throws Exception {
        reply = new CompletableFuture<>();
        socket.sendText(message, true).get(30, TimeUnit.SECONDS);
        return JSON.fromJson(reply.get(30, TimeUnit.SECONDS), Reply.class);
    }

    /**
     * Sends the start of a message, just over the server's limit, and answers the close code the server answers with.
     * The message goes in fragments the server reads one by one up to the limit, then one character: had it gone
     * whole, the server would close on it while the rest was still on its way, and the client could see the
     * connection reset instead of the close frame.
     */
    int sendOverLimit(String message, int limitBytes) throws Exception {
        int fragment = 16 * 1024;
        for (int sent = 0; sent < limitBytes; sent += fragment) {
            socket.sendText(message.substring(sent, Math.min(sent + fragment, limitBytes)), false)
                    .get(30, TimeUnit.SECONDS);
        }
        socket.sendText(message.substring(limitBytes, limitBytes + 1), true);
        return closed.get(30, TimeUnit.SECONDS);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            reply.complete(text.toString());
            text.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
        reply.completeExceptionally(error);
    }

    @Override
    public void close() {
        socket.abort();
    }
}
