package com.gputelemetry.streamer.boundary;

import com.gputelemetry.streamer.control.BatchPoster;
import com.gputelemetry.streamer.control.CsvRowReader;
import com.gputelemetry.streamer.control.EventLog;
import com.gputelemetry.streamer.control.InvalidCsvFileException;
import com.gputelemetry.streamer.control.ServerUnreachableException;
import com.gputelemetry.streamer.control.Streamer;
import com.gputelemetry.streamer.entity.StreamStats;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The streamer's command line: options (each with an environment fallback), signals and exit codes. */
@Command(
        name = "streamer-client",
        mixinStandardHelpOptions = true,
        versionProvider = StreamerCommand.Version.class,
        sortOptions = false,
        usageHelpAutoWidth = true,
        description = "Streams DCGM telemetry from a CSV file to the GPU Telemetry Pipeline server in batches.%n"
                + "Each row is stamped with the time it is processed; the file's own timestamp travels along.%n"
                + "The last line on standard output is a JSON summary; log lines go to standard error.",
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {
            "0:done (also after SIGINT/SIGTERM)",
            "2:bad usage or unreadable CSV file",
            "3:server unreachable after the retry budget"
        })
public class StreamerCommand implements Callable<Integer> {

    static final String BUNDLED_SAMPLE = "dcgm-sample.csv";
    static final int EXIT_BAD_INPUT = 2;
    static final int EXIT_UNREACHABLE = 3;

    @Option(
            names = "--csv-path",
            defaultValue = "${env:CSV_PATH}",
            paramLabel = "FILE",
            description = "DCGM CSV file to stream (env CSV_PATH; default: the bundled sample scrape)")
    Path csvPath;

    @Option(
            names = "--url",
            defaultValue = "${env:SERVER_URL:-http://localhost:8080}",
            paramLabel = "URL",
            description = "Server base URL (env SERVER_URL; default: ${DEFAULT-VALUE})")
    URI url;

    @Option(
            names = "--instance-id",
            defaultValue = "${env:INSTANCE_ID}",
            paramLabel = "ID",
            description =
                    "This streamer's id, unique among running streamers (env INSTANCE_ID; default: streamer-<pid>)")
    String instanceId;

    @Option(
            names = "--interval",
            defaultValue = "${env:STREAM_INTERVAL:-1s}",
            paramLabel = "DURATION",
            converter = DurationConverter.class,
            description = "Pause between batches, e.g. 100ms, 1s, 1m (env STREAM_INTERVAL; default: ${DEFAULT-VALUE})")
    Duration interval;

    @Option(
            names = "--batch-size",
            defaultValue = "${env:BATCH_SIZE:-500}",
            paramLabel = "ROWS",
            description = "Rows per batch, 1-10000 (env BATCH_SIZE; default: ${DEFAULT-VALUE})")
    int batchSize;

    @Option(
            names = "--loop",
            negatable = true,
            defaultValue = "${env:LOOP_MODE:-false}",
            fallbackValue = "true",
            description = "Start over at the end of the file until stopped (env LOOP_MODE; default: ${DEFAULT-VALUE})")
    boolean loop;

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
            description = "On SIGINT/SIGTERM, how long to wait for the batch in flight (env DRAIN_TIMEOUT; "
                    + "default: ${DEFAULT-VALUE})")
    Duration drainTimeout;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new StreamerCommand()).execute(args));
    }

    @Override
    public Integer call() {
        if (batchSize < 1 || batchSize > 10_000) {
            throw new CommandLine.ParameterException(
                    spec.commandLine(), "--batch-size must be 1-10000, not " + batchSize);
        }
        String id = instanceId == null || instanceId.isBlank()
                ? "streamer-" + ProcessHandle.current().pid()
                : instanceId;
        var log = new EventLog(System.err);
        var stats = new StreamStats(id);
        // A fresh producer id per run: the server deduplicates retries per (producer, sequence), and a new run
        // starts its sequence at 0 again.
        String producerId = id + "-" + UUID.randomUUID().toString().substring(0, 8);
        var poster = new BatchPoster(url, producerId, stats, retryBudget);
        var streamer = new Streamer(this::openInput, poster, stats, log, batchSize, interval, loop);
        var finished = new CountDownLatch(1);
        installShutdownHook(streamer, finished);
        log.log(
                "started",
                "instanceId",
                id,
                "producerId",
                producerId,
                "url",
                url.toString(),
                "input",
                csvPath == null ? "bundled sample" : csvPath.toString(),
                "loop",
                Boolean.toString(loop));
        int exit = 0;
        try {
            streamer.run();
        } catch (InvalidCsvFileException | IOException e) {
            log.log("error", "reason", e.getMessage());
            exit = EXIT_BAD_INPUT;
        } catch (ServerUnreachableException e) {
            log.log("error", "reason", e.getMessage());
            exit = EXIT_UNREACHABLE;
        }
        System.out.println(stats.toJson("summary"));
        System.out.flush();
        finished.countDown();
        return exit;
    }

    private CsvRowReader openInput() throws IOException {
        if (csvPath == null) {
            InputStream bundled = StreamerCommand.class.getClassLoader().getResourceAsStream(BUNDLED_SAMPLE);
            return new CsvRowReader("bundled sample", new InputStreamReader(bundled, StandardCharsets.UTF_8));
        }
        return new CsvRowReader(csvPath.toString(), Files.newBufferedReader(csvPath, StandardCharsets.UTF_8));
    }

    private void installShutdownHook(Streamer streamer, CountDownLatch finished) {
        Runtime.getRuntime()
                .addShutdownHook(new Thread(
                        () -> {
                            if (finished.getCount() == 0) {
                                return;
                            }
                            // SIGINT/SIGTERM: finish the batch in flight, let the summary be printed, then exit 0.
                            streamer.stop();
                            try {
                                finished.await(drainTimeout.toMillis(), TimeUnit.MILLISECONDS);
                            } catch (InterruptedException e) {
                                Thread.currentThread().interrupt();
                            }
                            Runtime.getRuntime().halt(0);
                        },
                        "graceful-shutdown"));
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
