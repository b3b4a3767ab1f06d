package com.gputelemetry.streamer.process;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import java.util.zip.GZIPOutputStream;

/**
 * dcgm-exporters on loopback: one HTTP server answering at one or many paths, each with an answer the test sets and
 * may change between scrapes (an exposition, an error, a delay, a web page), counting when each path was asked.
 */
public final class FakeExporters implements AutoCloseable {

    /** One answer to a scrape. {@code endless} streams the body over and over until the client hangs up. */
    public record Answer(int status, String contentType, byte[] body, boolean gzip, Duration delay, boolean endless) {

        public static Answer text(String exposition) {
            return new Answer(
                    200,
                    "text/plain; version=0.0.4; charset=utf-8",
                    exposition.getBytes(StandardCharsets.UTF_8),
                    false,
                    Duration.ZERO,
                    false);
        }

        public static Answer openMetrics(String exposition) {
            return new Answer(
                    200,
                    "application/openmetrics-text; version=1.0.0; charset=utf-8",
                    exposition.getBytes(StandardCharsets.UTF_8),
                    false,
                    Duration.ZERO,
                    false);
        }

        public Answer gzipped() {
            return new Answer(status, contentType, body, true, delay, endless);
        }

        public Answer after(Duration wait) {
            return new Answer(status, contentType, body, gzip, wait, endless);
        }

        public Answer repeatedForever() {
            return new Answer(status, contentType, body, gzip, delay, true);
        }
    }

    private final HttpServer server;
    private final ExecutorService threads;
    private final Map<String, List<Long>> arrivals = new ConcurrentHashMap<>();

    private FakeExporters(HttpServer server, ExecutorService threads) {
        this.server = server;
        this.threads = threads;
    }

    /** @param threads how many scrapes it answers at once (a delayed answer holds one) */
    public static FakeExporters start(int threads) throws IOException {
        var server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 1024);
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
            var thread = new Thread(runnable, "fake-exporter");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(pool);
        server.start();
        return new FakeExporters(server, pool);
    }

    /** One exporter at {@code /metrics}, answering with this exposition. */
    public static FakeExporters serving(String exposition) throws IOException {
        var exporters = start(4);
        exporters.add("/metrics", () -> Answer.text(exposition));
        return exporters;
    }

    /** @return the exporter's URL */
    public String add(String path, Supplier<Answer> answer) {
        List<Long> times = new CopyOnWriteArrayList<>();
        arrivals.put(path, times);
        server.createContext(path, exchange -> {
            times.add(System.nanoTime());
            try {
                answer(exchange, answer.get());
            } catch (IOException | UncheckedIOException hungUp) {
                // The streamer gave up on this answer (timeout, cap): what it is meant to do.
            } finally {
                exchange.close();
            }
        });
        return url(path);
    }

    public String url(String path) {
        return "http://" + address() + path;
    }

    /** host:port, as a file_sd target and as the instance label. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** When the path was asked, as System.nanoTime() values. */
    public List<Long> arrivals(String path) {
        return List.copyOf(arrivals.getOrDefault(path, List.of()));
    }

    private static void answer(HttpExchange exchange, Answer answer) throws IOException {
        exchange.getRequestBody().readAllBytes();
        if (!answer.delay().isZero()) {
            try {
                Thread.sleep(answer.delay().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        byte[] body = answer.gzip() ? gzip(answer.body()) : answer.body();
        exchange.getResponseHeaders().add("Content-Type", answer.contentType());
        if (answer.gzip()) {
            exchange.getResponseHeaders().add("Content-Encoding", "gzip");
        }
        if (answer.endless()) {
            exchange.sendResponseHeaders(answer.status(), 0);
            OutputStream out = exchange.getResponseBody();
            while (!Thread.currentThread().isInterrupted()) {
                out.write(body);
            }
            return;
        }
        exchange.sendResponseHeaders(answer.status(), body.length == 0 ? -1 : body.length);
        exchange.getResponseBody().write(body);
    }

    public static byte[] gzip(byte[] bytes) {
        var out = new ByteArrayOutputStream();
        try (var zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
