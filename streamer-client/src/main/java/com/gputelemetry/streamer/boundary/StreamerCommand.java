package com.gputelemetry.streamer.boundary;

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
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
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
        description = "Streams DCGM telemetry from CSV files to the GPU Telemetry Pipeline server in batches.%n"
                + "Each row is stamped with the time it is processed; the file's own timestamp travels along.%n"
                + "The last line on standard output is a JSON summary; log lines go to standard error.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:done (also after SIGINT/SIGTERM or --duration)",
            "1:an unexpected internal error (the summary is still the last line)",
            "2:bad usage, unreadable CSV input, or a token the server refuses",
            "3:server unreachable after the retry budget"
        })
public class StreamerCommand implements Callable<Integer> {

    static final int EXIT_INTERNAL = 1;
    static final int EXIT_BAD_INPUT = 2;
    static final int EXIT_UNREACHABLE = 3;

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
            description =
                    "Pause between batches, e.g. 0ms, 100ms, 1s, 1m (env STREAM_INTERVAL; default: ${DEFAULT-VALUE})")
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
        System.exit(new CommandLine(new StreamerCommand()).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        validate();
        boolean explicitId = instanceId != null && !instanceId.isBlank();
        String id =
                explicitId ? instanceId : "streamer-" + ProcessHandle.current().pid();
        var log = new EventLog(System.err, System.console() != null);
        var stats = new StreamStats(id);
        CsvInput input;
        try {
            input = CsvInput.of(csvPath);
        } catch (InvalidCsvFileException | IOException e) {
            log.log("error", "reason", e.getMessage());
            return summary(stats, EXIT_BAD_INPUT);
        }
        if (loop && !input.repeatable()) {
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
                        ? new WebSocketTransport(url, checkpoint.producerId(), bearer)
                        : new HttpTransport(url, checkpoint.producerId(), bearer)) {
            var streamer = new Streamer(
                    input,
                    new BatchSender(wire, stats, log, retryBudget),
                    checkpoint,
                    stats,
                    log,
                    new Streamer.Settings(batchSize, interval, rate, loop, drainTimeout));
            stopOnSignals(streamer, stats, log);
            if (duration != null) {
                CompletableFuture.delayedExecutor(duration.toMillis(), TimeUnit.MILLISECONDS)
                        .execute(streamer::stop);
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
                    input.description(),
                    "loop",
                    Boolean.toString(loop));
            int exit = 0;
            try (var progress = ProgressReporter.start(stats, log)) {
                streamer.run();
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
    private void stopOnSignals(Streamer streamer, StreamStats stats, EventLog log) {
        SignalHandler handler = signal -> {
            log.log("stopping", "signal", signal.getName());
            streamer.stop();
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
