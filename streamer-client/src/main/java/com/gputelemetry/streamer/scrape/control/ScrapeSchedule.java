package com.gputelemetry.streamer.scrape.control;

import com.gputelemetry.streamer.control.EventLog;
import com.gputelemetry.streamer.entity.RowProblem;
import com.gputelemetry.streamer.entity.StreamStats;
import com.gputelemetry.streamer.scrape.entity.ScrapeTarget;
import com.gputelemetry.streamer.scrape.entity.TargetHealth;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Scrapes every target at its own slot of the interval, and hands each scrape's rows to the buffer. One thread keeps
 * time and only starts scrapes; the exchanges run asynchronously and the bodies are read on a small pool, so a slow
 * target holds neither the clock nor the others. A target whose previous scrape is still running, or whose scrape
 * would not fit in the buffer, is skipped for this slot and says so. The targets are discovered again (the file read,
 * the names looked up) once an interval on a thread of their own, so a slow DNS server holds no scrape either.
 */
public final class ScrapeSchedule implements AutoCloseable {

    /** How targets are scraped and reported. */
    public record Settings(
            Duration interval, Duration timeout, long bodyCap, Duration reportEvery, int fullReportEvery) {}

    private final ScrapeTargets targets;
    private final ExporterClient client;
    private final ScrapedRowBuffer buffer;
    private final StreamStats stats;
    private final EventLog log;
    private final Settings settings;
    private final ScheduledExecutorService clock;
    private final ExecutorService readers;
    private final ScheduledExecutorService discovery;
    private final Map<ScrapeTarget, Slot> slots = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private long reports;

    public ScrapeSchedule(
            ScrapeTargets targets,
            ExporterClient client,
            ScrapedRowBuffer buffer,
            StreamStats stats,
            EventLog log,
            Settings settings,
            ScheduledExecutorService clock,
            ExecutorService readers,
            ScheduledExecutorService discovery) {
        this.targets = targets;
        this.client = client;
        this.buffer = buffer;
        this.stats = stats;
        this.log = log;
        this.settings = settings;
        this.clock = clock;
        this.readers = readers;
        this.discovery = discovery;
    }

    public void start() {
        reconcile(targets.current());
        long every = settings.interval().toNanos();
        // At once: the names' targets are known only once they have been looked up.
        discovery.scheduleWithFixedDelay(this::discoverTargets, 0, every, TimeUnit.NANOSECONDS);
        long report = settings.reportEvery().toNanos();
        clock.scheduleAtFixedRate(this::report, report, report, TimeUnit.NANOSECONDS);
    }

    /** The targets being scraped now and their health, for reports and tests. */
    public Map<ScrapeTarget, TargetHealth> health() {
        Map<ScrapeTarget, TargetHealth> health = new LinkedHashMap<>();
        slots.forEach((target, slot) -> health.put(target, slot.health));
        return health;
    }

    private void discoverTargets() {
        reloadTargets();
        try {
            targets.resolveNames(log).ifPresent(this::reconcile);
        } catch (RuntimeException e) {
            // Not expected from a lookup; logged, and tried again at the next interval rather than never.
            log.log("scrape-dns-failed", "reason", String.valueOf(e), "kept", Integer.toString(slots.size()));
        }
    }

    private void reloadTargets() {
        try {
            targets.reloadIfChanged().ifPresent(changed -> {
                int before = slots.size();
                reconcile(changed);
                log.log(
                        "scrape-targets",
                        "file",
                        targets.file().map(Object::toString).orElse(""),
                        "targets",
                        Integer.toString(changed.size()),
                        "before",
                        Integer.toString(before));
            });
        } catch (IOException | RuntimeException e) {
            log.log(
                    "scrape-targets-invalid",
                    "file",
                    targets.file().map(Object::toString).orElse(""),
                    "reason",
                    String.valueOf(e.getMessage()),
                    "kept",
                    Integer.toString(slots.size()));
        }
    }

    private synchronized void reconcile(List<ScrapeTarget> wanted) {
        if (closed.get()) {
            return;
        }
        Set<ScrapeTarget> keep = new HashSet<>(wanted);
        slots.entrySet().removeIf(entry -> {
            if (!keep.contains(entry.getKey())) {
                entry.getValue().cancel();
                return true;
            }
            return false;
        });
        long now = System.nanoTime();
        long interval = settings.interval().toNanos();
        for (ScrapeTarget target : wanted) {
            slots.computeIfAbsent(target, t -> {
                // Prometheus' way of spreading targets over the interval: an offset from the target's identity,
                // the same at every start, so each exporter is scraped at a steady pace.
                long offset = Math.floorMod((long) t.hashCode() * 0x9E3779B97F4A7C15L, interval);
                var slot = new Slot(t, now + offset);
                slot.schedule();
                return slot;
            });
        }
    }

    private synchronized void report() {
        boolean full = reports++ % settings.fullReportEvery() == 0;
        slots.forEach((target, slot) -> {
            if (slot.health.takeReportWorthy() || full) {
                String[] figures = slot.health.keysAndValues();
                String[] line = new String[figures.length + 2];
                line[0] = "target";
                line[1] = target.toString();
                System.arraycopy(figures, 0, line, 2, figures.length);
                log.log("scrape-target", line);
            }
        });
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            slots.values().forEach(Slot::cancel);
        }
    }

    /** One target's place in the schedule. */
    private final class Slot {

        private final ScrapeTarget target;
        private final TargetHealth health = new TargetHealth();
        private final AtomicBoolean running = new AtomicBoolean();
        private volatile ScheduledFuture<?> next;
        private volatile boolean cancelled;
        private long dueNanos;

        Slot(ScrapeTarget target, long firstDueNanos) {
            this.target = target;
            this.dueNanos = firstDueNanos;
        }

        void schedule() {
            if (!cancelled && !closed.get()) {
                next = clock.schedule(this::due, dueNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
            }
        }

        void cancel() {
            cancelled = true;
            ScheduledFuture<?> pending = next;
            if (pending != null) {
                pending.cancel(false);
            }
        }

        private void due() {
            long due = dueNanos;
            long interval = settings.interval().toNanos();
            // The next slot is one interval on; slots the clock could not keep (a stalled machine) are not made up.
            long now = System.nanoTime();
            dueNanos += interval * Math.max(1, (now - dueNanos) / interval + 1);
            schedule();
            if (cancelled) {
                return;
            }
            if (!running.compareAndSet(false, true)) {
                skip("skipped: the previous scrape is still running");
                return;
            }
            if (buffer.room() == 0) {
                running.set(false);
                skip("skipped: backpressure");
                return;
            }
            scrape(due);
        }

        private void scrape(long dueNanos) {
            Instant startedAt = Instant.now();
            long started = System.nanoTime();
            CompletableFuture<ExporterClient.Exposition> exchange;
            try {
                exchange = client.fetch(target);
            } catch (RuntimeException e) {
                // The JDK refuses some URLs only when asked to send (a bad port, say).
                finish(dueNanos, started, startedAt, null, new ScrapeFailedException("cannot send: " + e.getMessage()));
                return;
            }
            exchange.whenCompleteAsync(
                    (exposition, failure) -> {
                        if (failure != null) {
                            Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
                            finish(
                                    dueNanos,
                                    started,
                                    startedAt,
                                    null,
                                    cause instanceof ScrapeFailedException scrape
                                            ? scrape
                                            : new ScrapeFailedException(String.valueOf(cause)));
                            return;
                        }
                        try {
                            finish(dueNanos, started, startedAt, read(exposition), null);
                        } catch (ScrapeFailedException e) {
                            finish(dueNanos, started, startedAt, null, e);
                        } finally {
                            exposition.release();
                        }
                    },
                    readers);
        }

        private GpuRows read(ExporterClient.Exposition exposition) throws ScrapeFailedException {
            var rows = new GpuRows(target, buffer::room);
            var decoder = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT);
            try (Reader body = new InputStreamReader(exposition.open(settings.bodyCap()), decoder)) {
                ExpositionParser.parse(body, exposition.openMetrics(), rows);
            } catch (GpuRows.NoRoom e) {
                throw new NoRoomException();
            } catch (CharacterCodingException e) {
                throw new ScrapeFailedException("the body is not UTF-8 text");
            } catch (IOException e) {
                throw new ScrapeFailedException(
                        e instanceof CappedStream.BodyTooLargeException
                                ? e.getMessage()
                                : "the body cannot be read: " + e.getMessage());
            }
            return rows;
        }

        private void finish(
                long dueNanos, long started, Instant startedAt, GpuRows rows, ScrapeFailedException failure) {
            try {
                long now = System.nanoTime();
                if (failure instanceof NoRoomException || (rows != null && !buffer.admit(rows.rows(), startedAt))) {
                    skip(buffer.isClosed() ? "skipped: stopping" : "skipped: backpressure");
                    return;
                }
                if (failure != null) {
                    stats.scrapes().failed();
                    if (health.failed(startedAt, failure.getMessage())) {
                        log.log("scrape-failed", "target", target.toString(), "reason", failure.getMessage());
                    }
                    return;
                }
                stats.read(rows.rows().size() + rows.problems().size());
                stats.rejected(rows.problems().size());
                boolean onTime = now - dueNanos <= settings.timeout().toNanos();
                stats.scrapes().succeeded(now - started, onTime, rows.samples(), rows.notGpu());
                if (!rows.problems().isEmpty()) {
                    RowProblem first = rows.problems().get(0);
                    log.log(
                            "rejected",
                            "source",
                            target.toString(),
                            "rows",
                            Integer.toString(rows.problems().size()),
                            "line",
                            Long.toString(first.line()),
                            "reason",
                            first.reason());
                }
                if (health.succeeded(startedAt, (now - started) / 1_000_000, rows.samples())) {
                    log.log(
                            "scrape-ok",
                            "target",
                            target.toString(),
                            "samples",
                            Long.toString(rows.samples()),
                            "gpuRows",
                            Integer.toString(rows.rows().size()),
                            "samplesNotGpu",
                            Long.toString(rows.notGpu()));
                }
            } finally {
                running.set(false);
            }
        }

        private void skip(String reason) {
            stats.scrapes().skipped();
            if (health.skipped(reason)) {
                log.log("scrape-skipped", "target", target.toString(), "reason", reason);
            }
        }
    }

    /** The rows of a scrape would not fit in the buffer: it was stopped while being read. */
    private static final class NoRoomException extends ScrapeFailedException {
        NoRoomException() {
            super("skipped: backpressure");
        }
    }
}
