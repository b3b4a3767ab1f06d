package com.gputelemetry.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Server-Sent Events subscription over plain HTTP, read as curl -N reads it, with the events collected as they
 * arrive (comments left out).
 */
final class SseSubscription implements AutoCloseable {

    record Event(String name, String id, String data) {}

    private final Stream<String> lines;
    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> comments = new LinkedBlockingQueue<>();
    private volatile boolean ended;

    private SseSubscription(Stream<String> lines) {
        this.lines = lines;
        Thread reader = new Thread(this::read, "sse-reader");
        reader.setDaemon(true);
        reader.start();
    }

    /** Opens the stream; fails unless the server answers 200 with {@code text/event-stream}. */
    static SseSubscription open(URI uri, String lastEventId) throws IOException, InterruptedException {
        return open(HttpRequest.newBuilder(uri), lastEventId);
    }

    /** Opens the stream at {@code path} with the credentials the test reads this server with. */
    static SseSubscription open(RunningServer server, String path, String lastEventId)
            throws IOException, InterruptedException {
        return open(server.request(path).timeout(Duration.ofDays(1)), lastEventId);
    }

    private static SseSubscription open(HttpRequest.Builder request, String lastEventId)
            throws IOException, InterruptedException {
        URI uri = request.build().uri();
        request.header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<Stream<String>> response = Http.CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofLines());
        String type = response.headers().firstValue("Content-Type").orElse("");
        if (response.statusCode() != 200 || !type.startsWith("text/event-stream")) {
            String body = String.join("\n", response.body().limit(20).toList());
            throw new AssertionError("stream " + uri + ": " + response.statusCode() + " " + type + " " + body);
        }
        return new SseSubscription(response.body());
    }

    private void read() {
        String name = null;
        String id = null;
        StringBuilder data = new StringBuilder();
        try {
            for (String line : (Iterable<String>) lines::iterator) {
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        events.add(new Event(name == null ? "message" : name, id, data.toString()));
                    }
                    name = null;
                    id = null;
                    data.setLength(0);
                } else if (line.startsWith(":")) {
                    comments.add(line.substring(1).strip());
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).strip();
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).strip();
                } else if (line.startsWith("data:")) {
                    data.append(data.isEmpty() ? "" : "\n")
                            .append(line.substring(5).strip());
                }
            }
        } catch (RuntimeException closed) {
            // closed by the test, or by the server
        } finally {
            ended = true;
        }
    }

    /** The next {@code count} events named {@code name}, in order, skipping others; fails when they do not come. */
    List<Event> next(String name, int count, Duration timeout) throws InterruptedException {
        List<Event> found = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (found.size() < count) {
            Event event = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (event == null) {
                throw new AssertionError("only " + found.size() + " of " + count + " '" + name + "' events within "
                        + timeout + (ended ? " (the stream ended)" : ""));
            }
            if (event.name().equals(name)) {
                found.add(event);
            }
        }
        return found;
    }

    /** The next comment line the server sends (such as a keep-alive), without its colon; fails when none comes. */
    String nextComment(Duration timeout) throws InterruptedException {
        String comment = comments.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (comment == null) {
            throw new AssertionError("no comment within " + timeout + (ended ? " (the stream ended)" : ""));
        }
        return comment;
    }

    /**
     * What else arrives once nothing is left to arrive: the collectors of {@code server} have stored everything
     * acknowledged, and the feed, which looks for stored points every {@code LIVE_ROUND_MS} (250 ms by default), has
     * had eight rounds to push them. A point that has not come by then was not stored.
     */
    List<Event> rest(RunningServer server) throws Exception {
        QueueProgress.awaitCollectorsCaughtUp(server);
        return until(Duration.ofSeconds(2));
    }

    /** Every event that arrives until none has for {@code quiet}. */
    List<Event> until(Duration quiet) throws InterruptedException {
        List<Event> found = new ArrayList<>();
        Event event;
        while ((event = events.poll(quiet.toMillis(), TimeUnit.MILLISECONDS)) != null) {
            found.add(event);
        }
        return found;
    }

    @Override
    public void close() {
        lines.close();
    }
}
