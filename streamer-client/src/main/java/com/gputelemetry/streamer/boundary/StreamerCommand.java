package com.gputelemetry.streamer.boundary;

import com.gputelemetry.streamer.control.BatchDelivery;
import com.gputelemetry.streamer.control.BatchSender;
import com.gputelemetry.streamer.control.CsvInput;
import com.gputelemetry.streamer.control.EventLog;
import com.gputelemetry.streamer.control.HttpTransport;
import com.gputelemetry.streamer.control.InvalidCsvFileException;
import com.gputelemetry.streamer.control.ProducerCheckpoint;
import com.gputelemetry.streamer.control.ProgressReporter;
import com.gputelemetry.streamer.control.ServerRefusedException;
import com.gputelemetry.streamer.control.ServerUnreachableException;
import com.gputelemetry.streamer.control.Streamer;
import com.gputelemetry.streamer.control.Transport;
import com.gputelemetry.streamer.control.WebSocketTransport;
import com.gputelemetry.streamer.entity.StreamStats;
import com.gputelemetry.streamer.scrape.control.DnsTargets;
import com.gputelemetry.streamer.scrape.control.ScrapeSchedule;
import com.gputelemetry.streamer.scrape.control.ScrapeStreamer;
import com.gputelemetry.streamer.scrape.control.ScrapeTargets;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.security.Security;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/** The streamer's command line: options (each with an environment fallback), signals and exit codes. */
@Command(
        name = "streamer-client",
        mixinStandardHelpOptions = true,
        versionProvider = StreamerCommand.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Streams DCGM telemetry from CSV files, or scraped from dcgm-exporters, to the GPU Telemetry "
                + "Pipeline server in batches.%n"
                + "Each row is stamped with the time it is processed (a scrape's start); the file's or exporter's "
                + "own timestamp travels along (with --backfill the file's time is the row's).%n"
                + "The last line on standard output is a JSON summary; log lines go to standard error.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:done (also after SIGINT/SIGTERM or --duration)",
            "1:an unexpected internal error (the summary is still the last line)",
            "2:bad usage, unreadable CSV input or targets file, or a token the server refuses",
            "3:server unreachable after the retry budget"
        })
public class StreamerCommand implements Callable<Integer> {

    static final int EXIT_INTERNAL = 1;
    static final int EXIT_BAD_INPUT = 2;
    static final int EXIT_UNREACHABLE = 3;
    /** How often targets that are down or changed are logged, and every how many such reports all of them are. */
    private static final Duration TARGET_REPORT_EVERY = Duration.ofSeconds(10);

    private static final int TARGET_FULL_REPORT_EVERY = 6;

    /** How batches travel to the server. */
    enum TransportKind {
        http,
        websocket
    }

    @Option(
            names = "--csv-path",
            defaultValue = "${env:CSV_PATH}",
            paramLabel = "PATH",
            description = "DCGM CSV file, directory (every *.csv in it, by name) or - for standard input "
                    + "(env CSV_PATH; default: the bundled sample scrape)")
    String csvPath;

    @Option(
            names = "--scrape",
            defaultValue = "${env:SCRAPE_URLS}",
            split = ",",
            paramLabel = "URL",
            description = "Scrape these dcgm-exporters instead of reading a CSV: host:port (http, /metrics) or full "
                    + "URLs, comma-separated or repeated (env SCRAPE_URLS)")
    List<String> scrapeUrls;

    @Option(
            names = "--scrape-targets",
            defaultValue = "${env:SCRAPE_TARGETS}",
            paramLabel = "FILE",
            description = "Scrape the targets of this Prometheus file_sd file (JSON or YAML), read again when it "
                    + "changes (env SCRAPE_TARGETS)")
    Path scrapeTargets;

    @Option(
            names = "--scrape-dns",
            defaultValue = "${env:SCRAPE_DNS}",
            split = ",",
            paramLabel = "NAME:PORT",
            description = "Scrape every address of these DNS names (e.g. a headless Service's), looked up again every "
                    + "scrape interval; NAME:PORT (http, /metrics) or a URL with the name as host "
                    + "(env SCRAPE_DNS)")
    List<String> scrapeDns;

    @Option(
            names = "--scrape-interval",
            defaultValue = "${env:SCRAPE_INTERVAL:-30s}",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How often each target is scraped (env SCRAPE_INTERVAL; default: ${DEFAULT-VALUE})")
    Duration scrapeInterval;

    @Option(
            names = "--scrape-timeout",
            defaultValue = "${env:SCRAPE_TIMEOUT:-10s}",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long one scrape may take, at most the interval (env SCRAPE_TIMEOUT; "
                    + "default: ${DEFAULT-VALUE})")
    Duration scrapeTimeout;

    @Option(
            names = "--scrape-buffer",
            defaultValue = "${env:SCRAPE_BUFFER:-20000}",
            paramLabel = "ROWS",
            description = "Scraped rows that may wait for their batch; while it is full, scrapes are skipped and "
                    + "logged (env SCRAPE_BUFFER; default: ${DEFAULT-VALUE})")
    int scrapeBuffer;

    @Option(
            names = "--url",
            defaultValue = "${env:SERVER_URL:-http://localhost:8080}",
            paramLabel = "URL",
            description = "Server base URL (env SERVER_URL; default: ${DEFAULT-VALUE})")
    URI url;

    @Option(
            names = "--transport",
            defaultValue = "${env:TRANSPORT:-http}",
            paramLabel = "KIND",
            description = "http (POST /api/v1/ingest) or websocket (/api/v1/ingest/stream) "
                    + "(env TRANSPORT; default: ${DEFAULT-VALUE})")
    TransportKind transport;

    @Option(
            names = "--instance-id",
            defaultValue = "${env:INSTANCE_ID}",
            paramLabel = "ID",
            description = "This streamer's id, unique among running streamers; with it, the producer id and sequence "
                    + "survive restarts (env INSTANCE_ID; default: streamer-<pid>, remembered nowhere)")
    String instanceId;

    @Option(
            names = "--interval",
            defaultValue = "${env:STREAM_INTERVAL:-1s}",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Pause between batches, e.g. 0ms, 100ms, 1s, 1m; when scraping, the longest a scraped row "
                    + "waits for its batch to fill (env STREAM_INTERVAL; default: ${DEFAULT-VALUE})")
    Duration interval;

    @Option(
            names = "--batch-size",
            defaultValue = "${env:BATCH_SIZE:-500}",
            paramLabel = "ROWS",
            description = "Rows per batch, 1-10000 (env BATCH_SIZE; default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(
            names = "--rate",
            defaultValue = "${env:STREAM_RATE:-0}",
            paramLabel = "ROWS_PER_S",
            description =
                    "At most this many rows per second; 0 for no cap (env STREAM_RATE; default: ${DEFAULT-VALUE})")
    double rate;

    @Option(
            names = "--loop",
            negatable = true,
            defaultValue = "${env:LOOP_MODE:-false}",
            fallbackValue = "true",
            description = "Start over at the end of the input until stopped (env LOOP_MODE; default: ${DEFAULT-VALUE})")
    boolean loop;

    @Option(
            names = "--backfill",
            negatable = true,
            defaultValue = "${env:BACKFILL:-false}",
            fallbackValue = "true",
            description = "Keep each row's own time (the file's timestamp) as its time instead of the time it is "
                    + "processed, to load history; not with --loop or scraping (env BACKFILL; default: "
                    + "${DEFAULT-VALUE})")
    boolean backfill;

    @Option(
            names = "--duration",
            defaultValue = "${env:STREAM_DURATION}",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Stop after this long, as on SIGTERM (env STREAM_DURATION; default: until the input ends "
                    + "or a signal)")
    Duration duration;

    @Option(
            names = "--token",
            defaultValue = "${env:INGEST_TOKEN}",
            paramLabel = "TOKEN",
            description = "Bearer token sent on every request, for a server with an ingest token (env INGEST_TOKEN; "
                    + "default: none)")
    String token;

    @Option(
            names = "--retry-budget",
            defaultValue = "${env:RETRY_BUDGET:-5m}",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "How long one batch may be retried before giving up with exit code 3 "
                    + "(env RETRY_BUDGET; default: ${DEFAULT-VALUE})")
    Duration retryBudget;

    @Option(
            names = "--drain-timeout",
            defaultValue = "${env:DRAIN_TIMEOUT:-30s}",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "On SIGINT/SIGTERM or at the end of --duration, how long to wait for the batch in flight "
                    + "(env DRAIN_TIMEOUT; default: ${DEFAULT-VALUE})")
    Duration drainTimeout;

    @Option(
            names = "--state-dir",
            defaultValue = "${env:STATE_DIR:-${sys:user.home}/.gpu-telemetry-streamer}",
            paramLabel = "DIR",
            description = "Where each instance id keeps its producer id and next sequence "
                    + "(env STATE_DIR; default: ${DEFAULT-VALUE})")
    Path stateDir;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    private final AtomicBoolean summaryPrinted = new AtomicBoolean();

    public static void main(String[] args) {
        lookUpNamesAfresh();
        System.exit(new CommandLine(new StreamerCommand()).execute(args));
    }

    /**
     * The JVM keeps a name's addresses for 30 s (forever under a security manager), so a node that joined or left a
     * headless Service would be seen up to an interval late. The resolver the JVM asks (the cluster's DNS) caches by
     * the records' own TTL already; a second cache only delays. Must run before the first lookup, which reads the
     * setting once; a setting the operator made ({@code -Dsun.net.inetaddr.ttl}, {@code java.security}) is kept.
     */
    static void lookUpNamesAfresh() {
        if (Security.getProperty("networkaddress.cache.ttl") == null
                && System.getProperty("sun.net.inetaddr.ttl") == null) {
            Security.setProperty("networkaddress.cache.ttl", "0");
        }
    }

    @Override
    public Integer call() throws IOException {
        validate();
        boolean explicitId = instanceId != null && !instanceId.isBlank();
        String id =
                explicitId ? instanceId : "streamer-" + ProcessHandle.current().pid();
        var log = new EventLog(System.err, System.console() != null);
        var stats = new StreamStats(id);
        CsvInput input = null;
        ScrapeTargets targets = null;
        try {
            if (scraping()) {
                targets = new ScrapeTargets(
                        listed(scrapeUrls),
                        scrapeTargets,
                        new DnsTargets(listed(scrapeDns), InetAddress::getAllByName));
            } else {
                input = CsvInput.of(csvPath);
            }
        } catch (InvalidCsvFileException | IOException e) {
            log.log("error", "reason", e.getMessage());
            return summary(stats, EXIT_BAD_INPUT);
        } catch (IllegalArgumentException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--scrape / --scrape-targets / --scrape-dns: " + e.getMessage());
        }
        if (loop && input != null && !input.repeatable()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--loop cannot replay standard input; drop --loop or give a file");
        }
        ProducerCheckpoint checkpoint;
        try {
            checkpoint = explicitId ? ProducerCheckpoint.open(stateDir, id) : ProducerCheckpoint.transientFor(id);
        } catch (IllegalArgumentException | IOException e) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--instance-id / --state-dir: " + e.getMessage());
        }
        Optional<String> bearer = Optional.ofNullable(token).filter(t -> !t.isBlank());
        try (checkpoint;
                Transport wire = transport == TransportKind.websocket
                        ? new WebSocketTransport(url, checkpoint.producerId(), source(), bearer)
                        : new HttpTransport(url, checkpoint.producerId(), source(), bearer)) {
            var sender = new BatchSender(wire, stats, log, retryBudget);
            Runnable stop;
            Run run;
            String description;
            if (targets != null) {
                var scraper = new ScrapeStreamer(
                        targets,
                        new BatchDelivery(sender, checkpoint, stats, log),
                        stats,
                        log,
                        new ScrapeStreamer.Settings(
                                batchSize,
                                interval,
                                drainTimeout,
                                scrapeBuffer,
                                new ScrapeSchedule.Settings(
                                        scrapeInterval,
                                        scrapeTimeout,
                                        ScrapeStreamer.BODY_CAP,
                                        TARGET_REPORT_EVERY,
                                        TARGET_FULL_REPORT_EVERY)));
                stop = scraper::stop;
                run = scraper::run;
                description = "scrape of " + targets.description() + " every " + scrapeInterval.toMillis() + " ms";
            } else {
                var streamer = new Streamer(
                        input,
                        sender,
                        checkpoint,
                        stats,
                        log,
                        new Streamer.Settings(batchSize, interval, rate, loop, drainTimeout, backfill));
                stop = streamer::stop;
                run = streamer::run;
                description = input.description();
            }
            stopOnSignals(stop, stats, log);
            if (duration != null) {
                CompletableFuture.delayedExecutor(duration.toMillis(), TimeUnit.MILLISECONDS)
                        .execute(stop);
            }
            log.log(
                    "started",
                    "instanceId",
                    id,
                    "producerId",
                    checkpoint.producerId(),
                    "nextSequence",
                    Long.toString(checkpoint.nextSequence()),
                    "url",
                    url.toString(),
                    "transport",
                    transport.name(),
                    "input",
                    description,
                    "loop",
                    Boolean.toString(loop));
            int exit = 0;
            try (var progress = ProgressReporter.start(stats, log)) {
                run.run();
            } catch (InvalidCsvFileException | IOException | ServerRefusedException | ServerUnreachableException e) {
                // Ends the run for a reason the operator can act on: the message says what, the exit code which kind.
                log.log("error", "reason", e.getMessage());
                exit = e instanceof ServerUnreachableException ? EXIT_UNREACHABLE : EXIT_BAD_INPUT;
            } catch (RuntimeException e) {
                // A bug of ours: still the summary last, and an exit code of its own.
                log.log("error", "reason", "unexpected internal error, please report it", "detail", String.valueOf(e));
                exit = EXIT_INTERNAL;
            }
            return summary(stats, exit);
        }
    }

    /** A stream's run: the CSV file's or the scrapes'. */
    @FunctionalInterface
    private interface Run {
        void run() throws IOException;
    }

    /** What this run's rows are read from, as the server's ingest metrics count them (their source label). */
    private String source() {
        return scraping() ? "scrape" : "csv";
    }

    private boolean scraping() {
        return !listed(scrapeUrls).isEmpty()
                || scrapeTargets != null
                || !listed(scrapeDns).isEmpty();
    }

    /** An option's values without the blanks an empty environment variable or a trailing comma leaves. */
    private static List<String> listed(List<String> values) {
        return values == null
                ? List.of()
                : values.stream().filter(value -> !value.isBlank()).toList();
    }

    private void validate() {
        if (batchSize < 1 || batchSize > 10_000) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--batch-size must be 1-10000, not " + batchSize);
        }
        if (rate < 0 || Double.isNaN(rate)) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--rate must be 0 or more, not " + rate);
        }
        if (duration != null && duration.isZero()) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--duration must be more than 0");
        }
        if (backfill && (loop || scraping())) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--backfill keeps the file's times: a --loop would send them again, and a scrape has no history");
        }
        if (scraping()) {
            validateScraping();
        }
    }

    private void validateScraping() {
        if (csvPath != null && !csvPath.isBlank()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--scrape/--scrape-targets/--scrape-dns and --csv-path (or CSV_PATH) exclude each other: "
                            + "scrape exporters or read a CSV, not both");
        }
        if (loop || rate > 0) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--loop and --rate are for CSV input; scrapes follow --scrape-interval");
        }
        if (scrapeInterval.isZero()
                || scrapeInterval.isNegative()
                || scrapeTimeout.isZero()
                || scrapeTimeout.isNegative()) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--scrape-interval and --scrape-timeout must be more than 0");
        }
        if (scrapeTimeout.compareTo(scrapeInterval) > 0) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--scrape-timeout (" + scrapeTimeout.toMillis() + " ms) must be at most --scrape-interval ("
                            + scrapeInterval.toMillis() + " ms)");
        }
        if (scrapeBuffer < batchSize) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(),
                    "--scrape-buffer must hold at least one batch (--batch-size " + batchSize + "), not "
                            + scrapeBuffer);
        }
    }

    /** The summary is the last line on standard output, printed once however the run ends. */
    private int summary(StreamStats stats, int exit) {
        if (summaryPrinted.compareAndSet(false, true)) {
            System.out.println(stats.toJson("summary"));
            System.out.flush();
        }
        return exit;
    }

    /**
     * SIGINT and SIGTERM stop the streamer like the end of {@code --duration}: the run then ends normally (exit 0,
     * shutdown hooks such as a coverage agent's included). Should draining hang past its timeout, the summary is
     * printed and the process exits anyway.
     */
    private void stopOnSignals(Runnable stop, StreamStats stats, EventLog log) {
        SignalHandler handler = signal -> {
            log.log("stopping", "signal", signal.getName());
            stop.run();
            CompletableFuture.delayedExecutor(drainTimeout.toMillis() + 1_000, TimeUnit.MILLISECONDS)
                    .execute(() -> {
                        log.log("error", "reason", "the batch in flight was not acknowledged within the drain timeout");
                        System.exit(summary(stats, 0));
                    });
        };
        Signal.handle(new Signal("INT"), handler);
        Signal.handle(new Signal("TERM"), handler);
    }

    /** Reads durations such as 250ms, 2s, 5m, 1h; a bare number means milliseconds. */
    static class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            String text = value.strip().toLowerCase();
            try {
                if (text.endsWith("ms")) {
                    return Duration.ofMillis(Long.parseLong(text.substring(0, text.length() - 2)));
                }
                long amount = Long.parseLong(text.substring(0, text.length() - 1));
                return switch (text.charAt(text.length() - 1)) {
                    case 's' -> Duration.ofSeconds(amount);
                    case 'm' -> Duration.ofMinutes(amount);
                    case 'h' -> Duration.ofHours(amount);
                    default -> Duration.ofMillis(Long.parseLong(text));
                };
            } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
                throw new CommandLine.TypeConversionException(
                        "'" + value + "' is not a duration such as 100ms, 2s or 1m");
            }
        }
    }

    static class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = StreamerCommand.class.getPackage().getImplementationVersion();
            return new String[] {"streamer-client " + (version == null ? "development build" : version)};
        }
    }
}
