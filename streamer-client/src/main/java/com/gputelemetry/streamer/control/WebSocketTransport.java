package com.gputelemetry.streamer.control;

import com.gputelemetry.streamer.entity.Batch;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One WebSocket connection to {@code /api/v1/ingest/stream}, opened on first use and again after it is lost. A batch
 * is one text message (its sequence on the first line, then the CSV); the server answers each with one JSON message
 * carrying the sequence and an HTTP-like status, which is what this transport returns.
 */
public class WebSocketTransport implements Transport {

    private static final Pattern STATUS = Pattern.compile("\"status\"\\s*:\\s*(\\d+)");
    private static final Pattern SEQUENCE = Pattern.compile("\"sequence\"\\s*:\\s*\"(\\d+)\"");
    private static final Pattern RETRY_AFTER = Pattern.compile("\"retryAfter\"\\s*:\\s*(\\d+)");

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(CONNECT_TIMEOUT).build();
    private final URI endpoint;
    private final Optional<String> token;
    private WebSocket socket;
    private Replies replies;

    /** @param source what the rows are read from, {@code csv} or {@code scrape}: the server counts them by it */
    public WebSocketTransport(URI server, String producerId, String source, Optional<String> token) {
        String scheme = server.getScheme().equalsIgnoreCase("https") ? "wss" : "ws";
        this.endpoint = URI.create(scheme + "://" + server.getRawAuthority() + "/api/v1/ingest/stream?producer-id="
                + URLEncoder.encode(producerId, StandardCharsets.UTF_8) + "&producer-source="
                + URLEncoder.encode(source, StandardCharsets.UTF_8));
        this.token = token;
    }

    @Override
    public Answer send(Batch batch) throws IOException, InterruptedException {
        if (socket == null) {
            Answer refused = connect();
            if (refused != null) {
                return refused;
            }
        }
        CompletableFuture<String> reply = replies.expect();
        try {
            socket.sendText(batch.sequence() + "\n" + batch.toCsv(), true)
                    .get(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            String json = reply.get(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Matcher sequence = SEQUENCE.matcher(json);
            Matcher status = STATUS.matcher(json);
            if (!sequence.find() || Long.parseLong(sequence.group(1)) != batch.sequence() || !status.find()) {
                throw new IOException("unexpected answer to batch " + batch.sequence() + ": " + json);
            }
            Matcher retryAfter = RETRY_AFTER.matcher(json);
            return new Answer(
                    Integer.parseInt(status.group(1)),
                    json,
                    retryAfter.find() ? Transport.seconds(retryAfter.group(1)) : Optional.empty());
        } catch (ExecutionException | TimeoutException | IOException e) {
            // Whatever happened to the connection, the next attempt starts on a fresh one.
            drop();
            throw e instanceof IOException io ? io : new IOException("WebSocket to " + endpoint + ": " + e, e);
        }
    }

    /** @return the handshake's refusal as an answer (e.g. 401, or 404 while the server deploys), else null */
    private Answer connect() throws IOException, InterruptedException {
        var listener = new Replies();
        WebSocket.Builder builder = client.newWebSocketBuilder().connectTimeout(CONNECT_TIMEOUT);
        token.ifPresent(t -> builder.header("Authorization", "Bearer " + t));
        try {
            socket = builder.buildAsync(endpoint, listener).get(ANSWER_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            replies = listener;
            return null;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                var response = refused.getResponse();
                return new Answer(
                        response.statusCode(),
                        String.valueOf(response.body()),
                        response.headers().firstValue("Retry-After").flatMap(Transport::seconds));
            }
            throw new IOException("cannot open a WebSocket to " + endpoint + ": " + e.getCause(), e.getCause());
        } catch (TimeoutException e) {
            throw new IOException("no WebSocket handshake with " + endpoint + " within " + ANSWER_TIMEOUT, e);
        }
    }

    private void drop() {
        if (socket != null) {
            socket.abort();
            socket = null;
        }
    }

    @Override
    public void close() {
        if (socket != null) {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").orTimeout(5, TimeUnit.SECONDS);
            socket = null;
        }
    }

    @Override
    public String toString() {
        return endpoint.toString();
    }

    /** Collects each reply (a text message may come in parts) and hands it to the batch waiting for it. */
    private static final class Replies implements WebSocket.Listener {

        private final StringBuilder partial = new StringBuilder();
        private volatile CompletableFuture<String> waiting = new CompletableFuture<>();
        private volatile Throwable closed;

        CompletableFuture<String> expect() {
            waiting = new CompletableFuture<>();
            if (closed != null) {
                waiting.completeExceptionally(closed);
            }
            return waiting;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                waiting.complete(partial.toString());
                partial.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            fail(new IOException("the server closed the WebSocket (" + statusCode + " " + reason + ")"));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            fail(new IOException("the WebSocket failed: " + error, error));
        }

        private void fail(Throwable reason) {
            closed = reason;
            waiting.completeExceptionally(reason);
        }
    }
}
