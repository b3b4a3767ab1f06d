package com.gputelemetry.streamer.process;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * An ingest endpoint on loopback that acknowledges every batch at once, as the server does when all goes well
 * ({@code {"accepted":n,"duplicate":false,"rejected":[]}}), and counts what it received: the streamer is then all
 * that runs. On demand it keeps the bodies it acknowledged, and pushes back like an overloaded server (429 with a
 * Retry-After).
 */
public final class StubIngest implements AutoCloseable {

    private final HttpServer server;
    private final AtomicLong batches = new AtomicLong();
    private final AtomicLong rows = new AtomicLong();
    private final Set<String> producers = ConcurrentHashMap.newKeySet();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final AtomicLong pushBacks = new AtomicLong();
    private final AtomicLong pushedBack = new AtomicLong();
    private volatile boolean recording;
    private volatile int retryAfterSeconds;

    private StubIngest(HttpServer server) {
        this.server = server;
    }

    /** A stub that also keeps the body of every batch it acknowledges. */
    public static StubIngest recording() throws IOException {
        var stub = start();
        stub.recording = true;
        return stub;
    }

    public static StubIngest start() throws IOException {
        // Without TCP_NODELAY the JDK's server and client wait out each other's delayed ACKs: ~40 ms a batch.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        var stub = new StubIngest(HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0));
        stub.server.createContext("/api/v1/ingest", exchange -> {
            byte[] received = exchange.getRequestBody().readAllBytes();
            if (stub.pushBacks.getAndUpdate(left -> Math.max(0, left - 1)) > 0) {
                stub.pushedBack.incrementAndGet();
                byte[] problem = "{\"status\":429,\"title\":\"Too Many Requests\"}".getBytes(StandardCharsets.UTF_8);
                exchange.getResponseHeaders().add("Retry-After", Integer.toString(stub.retryAfterSeconds));
                exchange.sendResponseHeaders(429, problem.length);
                exchange.getResponseBody().write(problem);
                exchange.close();
                return;
            }
            if (stub.recording) {
                stub.bodies.add(new String(received, StandardCharsets.UTF_8));
            }
            long lines = 0;
            for (byte b : received) {
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

    /** Answers the next {@code batches} batches with 429 and this Retry-After, as a server with a full queue does. */
    public void pushBack(int batches, int retryAfterSeconds) {
        this.retryAfterSeconds = retryAfterSeconds;
        pushBacks.set(batches);
    }

    /** How many batches were answered with 429. */
    public long pushedBack() {
        return pushedBack.get();
    }

    /** The bodies of the batches acknowledged, in order (only for a stub made by {@link #recording()}). */
    public List<String> bodies() {
        return List.copyOf(bodies);
    }

    /** The rows of the batches acknowledged, read back by their CSV header (only for a {@link #recording()} stub). */
    public List<CSVRecord> sentRows() {
        List<CSVRecord> rows = new ArrayList<>();
        for (String body : bodies) {
            try {
                rows.addAll(CSVFormat.DEFAULT
                        .builder()
                        .setHeader()
                        .setSkipHeaderRecord(true)
                        .get()
                        .parse(new StringReader(body))
                        .getRecords());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return rows;
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
