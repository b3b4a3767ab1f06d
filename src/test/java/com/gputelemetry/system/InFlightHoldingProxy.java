package com.gputelemetry.system;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;

/**
 * An HTTP proxy in front of the server's ingest endpoint that passes batches on and, when told to, keeps one batch in
 * flight for as long as the test needs: it holds either the request (the server never sees the batch) or the answer
 * (the server stored the batch, its producer never hears so). A streamer killed meanwhile is certainly killed with
 * that batch in flight. Every batch that reached the proxy is kept with the server's answer, for the test to read.
 */
final class InFlightHoldingProxy implements RunningServer, AutoCloseable {

    private static final List<String> REQUEST_HEADERS =
            List.of("Content-Type", "Producer-Id", "Producer-Sequence", "Authorization");
    private static final List<String> ANSWER_HEADERS = List.of("Content-Type", "Retry-After");

    /** What of the held batch's exchange the proxy keeps back. */
    enum Hold {
        REQUEST,
        ANSWER
    }

    /** A batch as it reached the proxy, and what the server answered (empty when it never reached the server). */
    record Sent(long sequence, String body, String answer) {}

    private record Arming(long fromSequence, Hold hold, CompletableFuture<Long> held) {}

    private final URI ingest;
    private final HttpServer listening;
    private final ExecutorService threads = Executors.newCachedThreadPool();
    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final AtomicReference<Arming> armed = new AtomicReference<>();
    private final List<Sent> sent = new CopyOnWriteArrayList<>();
    private final CountDownLatch closed = new CountDownLatch(1);

    private InFlightHoldingProxy(URI ingest, HttpServer listening) {
        this.ingest = ingest;
        this.listening = listening;
    }

    static InFlightHoldingProxy before(RunningServer server) throws IOException {
        var proxy = new InFlightHoldingProxy(
                server.uri("/api/v1/ingest"), HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
        proxy.listening.createContext("/api/v1/ingest", proxy::handle);
        // A held exchange keeps its thread until the proxy closes; the others must not wait behind it.
        proxy.listening.setExecutor(proxy.threads);
        proxy.listening.start();
        return proxy;
    }

    @Override
    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + listening.getAddress().getPort() + path);
    }

    /**
     * Holds the first batch from now on whose sequence is at least {@code fromSequence}, in the given way.
     *
     * @return completes with the held batch's sequence once it is held
     */
    CompletableFuture<Long> holdFirstBatchFrom(long fromSequence, Hold hold) {
        var arming = new Arming(fromSequence, hold, new CompletableFuture<>());
        armed.set(arming);
        return arming.held();
    }

    /** Every batch that reached the proxy, in the order they came. */
    List<Sent> sent() {
        return List.copyOf(sent);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            long sequence = Long.parseLong(exchange.getRequestHeaders().getFirst("Producer-Sequence"));
            Arming arming = armed.get();
            boolean hold = arming != null && sequence >= arming.fromSequence() && armed.compareAndSet(arming, null);
            if (hold && arming.hold() == Hold.REQUEST) {
                sent.add(new Sent(sequence, body, ""));
                arming.held().complete(sequence);
                awaitClose();
                return;
            }
            HttpResponse<String> answer = forward(exchange, body);
            sent.add(new Sent(sequence, body, answer.body()));
            if (hold) {
                arming.held().complete(sequence);
                awaitClose();
                return;
            }
            for (String header : ANSWER_HEADERS) {
                answer.headers().firstValue(header).ifPresent(v -> exchange.getResponseHeaders()
                        .add(header, v));
            }
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.statusCode(), bytes.length == 0 ? -1 : bytes.length);
            exchange.getResponseBody().write(bytes);
        }
    }

    private HttpResponse<String> forward(HttpExchange exchange, String body) throws IOException {
        HttpRequest.Builder request = HttpRequest.newBuilder(ingest)
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(body));
        for (String header : REQUEST_HEADERS) {
            String value = exchange.getRequestHeaders().getFirst(header);
            if (value != null) {
                request.header(header, value);
            }
        }
        try {
            return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while forwarding", e);
        }
    }

    private void awaitClose() {
        try {
            closed.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed.countDown();
        listening.stop(0);
        threads.shutdownNow();
    }
}
