package com.gputelemetry.streamer.process;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An ingest endpoint on loopback that acknowledges every batch at once, as the server does when all goes well
 * ({@code {"accepted":n,"duplicate":false,"rejected":[]}}), and counts what it received: the streamer is then all
 * that runs.
 */
public final class StubIngest implements AutoCloseable {

    private final HttpServer server;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private final Set<String> producers = ConcurrentHashMap.newKeySet();

    private StubIngest(HttpServer server) {
        this.server = server;
    }

    public static StubIngest start() throws IOException {
        // Without TCP_NODELAY the JDK's server and client wait out each other's delayed ACKs: ~40 ms a batch.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        var stub = new StubIngest(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
        stub.server.createContext("/api/v1/ingest", exchange -> {
            long lines = 0;
            for (byte b : exchange.getRequestBody().readAllBytes()) {
                if (b == '\n') {
                    lines++;
                }
            }
            // The body is a header line and one line per row.
            long batchRows = lines - 1;
            stub.producers.add(exchange.getRequestHeaders().getFirst("Producer-Id"));
            stub.rows.addAndGet(batchRows);
            stub.batches.incrementAndGet();
            byte[] body = ("{\"accepted\":" + batchRows + ",\"duplicate\":false,\"rejected\":[]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        stub.server.start();
        return stub;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public long batches() {
        return batches.get();
    }

    public long rows() {
        return rows.get();
    }

    /** The producer ids of the batches received. */
    public Set<String> producers() {
        return Set.copyOf(producers);
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
