package com.gputelemetry.streamer.scrape.control;

import com.gputelemetry.streamer.control.BatchDelivery;
import com.gputelemetry.streamer.control.BatchSender;
import com.gputelemetry.streamer.control.EventLog;
import com.gputelemetry.streamer.control.HttpTransport;
import com.gputelemetry.streamer.control.ProducerCheckpoint;
import com.gputelemetry.streamer.entity.StreamStats;
import com.gputelemetry.streamer.process.StubIngest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/** A scrape streamer running in this JVM against a stub ingest, its log kept for the test to read. */
final class ScrapeRun implements AutoCloseable {

    final StreamStats stats = new StreamStats("scrape-test");
    final ScrapeStreamer streamer;
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;

    ScrapeRun(ScrapeTargets targets, StubIngest ingest, Duration interval, Duration timeout, int bufferRows) {
        var log = new EventLog(new PrintStream(logged, true, StandardCharsets.UTF_8), false);
        var sender = new BatchSender(
                new HttpTransport(URI.create(ingest.url()), "scrape-producer", "scrape", Optional.empty()),
                stats,
                log,
                Duration.ofSeconds(60));
        streamer = new ScrapeStreamer(
                targets,
                new BatchDelivery(sender, ProducerCheckpoint.transientFor("scrape-test"), stats, log),
                stats,
                log,
                new ScrapeStreamer.Settings(
                        500,
                        Duration.ofMillis(50),
                        Duration.ofSeconds(10),
                        bufferRows,
                        new ScrapeSchedule.Settings(
                                interval, timeout, ScrapeStreamer.BODY_CAP, Duration.ofMillis(250), 4)));
        thread = new Thread(
                () -> {
                    try {
                        streamer.run();
                    } catch (IOException | RuntimeException e) {
                        failure.set(e);
                    }
                },
                "scrape-run");
        thread.start();
    }

    static ScrapeRun of(StubIngest ingest, Duration interval, Duration timeout, String... urls) throws IOException {
        return new ScrapeRun(new ScrapeTargets(java.util.List.of(urls), null), ingest, interval, timeout, 20_000);
    }

    String log() {
        return logged.toString(StandardCharsets.UTF_8);
    }

    /** Stops it as a signal would, and waits for its end: what was scraped has been sent then. */
    void stop() throws InterruptedException {
        streamer.stop();
        thread.join(30_000);
        if (thread.isAlive()) {
            throw new AssertionError("the scrape streamer did not end within 30 s; its log:\n" + log());
        }
        if (failure.get() != null) {
            throw new AssertionError("the scrape streamer failed; its log:\n" + log(), failure.get());
        }
    }

    static void await(String what, BooleanSupplier done) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!done.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(what + ": not within 30 s");
            }
            Thread.sleep(20);
        }
    }

    @Override
    public void close() throws InterruptedException {
        if (thread.isAlive()) {
            stop();
        }
    }
}
