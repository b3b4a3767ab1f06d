package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/** The streamer jar, run as its own process, as an operator would run it. */
// Public, with a public record: JSON-B reads the summaries into it reflectively.
public final class StreamerProcess {

    private static final Jsonb JSON = JsonbBuilder.create();

    /** The JSON summary the streamer prints as its last line. */
    public record Summary(
            String event,
            String instanceId,
            long rowsRead,
            long rowsAcked,
            long rowsRejected,
            long batches,
            long retries,
            long ackMillisP50,
            long ackMillisP99,
            long ackMillisMax) {}

    record Result(int exitCode, List<String> stdout, String stderr) {

        String lastLine() {
            return stdout.isEmpty() ? "" : stdout.get(stdout.size() - 1);
        }

        Summary summary() {
            return JSON.fromJson(lastLine(), Summary.class);
        }
    }

    /**
     * Where this test run's streamers keep their state, one directory per run: a batch that a streamer of an earlier
     * build left in flight would otherwise be re-sent into this run's database.
     */
    private static final Path STATE = stateDirectory();

    private StreamerProcess() {}

    private static Path stateDirectory() {
        try {
            return Files.createTempDirectory(Files.createDirectories(Path.of("target")), "streamer-state-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** What an instance keeps about itself: its producer id and the next sequence it will send. */
    static Properties state(String instanceId) throws IOException {
        var state = new Properties();
        try (var in = Files.newBufferedReader(STATE.resolve(instanceId + ".properties"))) {
            state.load(in);
        }
        return state;
    }

    /** The file in which an instance keeps the batch it has in flight. */
    static Path pendingBatch(String instanceId) {
        return STATE.resolve(instanceId + ".properties.pending");
    }

    static Result run(String name, String... arguments) throws IOException, InterruptedException {
        return start(name, arguments).awaitExit();
    }

    /**
     * A streamer looping over the sample against the server until stopped, under the instance id {@code name}, in
     * 500-row batches 20 ms apart: a steady stream for the crash, failover and rebalance tests.
     */
    static Running loop(String name, RunningServer server) throws IOException {
        return loop(name, server, "http");
    }

    /** The same over the given transport, {@code http} or {@code websocket}. */
    static Running loop(String name, RunningServer server, String transport) throws IOException {
        return loop(name, server, transport, null);
    }

    /** The same with an ingest token, for a server that requires one; none when null. */
    static Running loop(String name, RunningServer server, String transport, String token) throws IOException {
        List<String> arguments = new ArrayList<>(List.of(
                "--loop",
                "--url",
                server.baseUrl(),
                "--transport",
                transport,
                "--instance-id",
                name,
                "--interval",
                "20ms",
                "--batch-size",
                "500"));
        if (token != null) {
            arguments.addAll(List.of("--token", token));
        }
        return start(name, arguments.toArray(String[]::new));
    }

    /**
     * A streamer in scrape mode against the server until stopped, under the instance id {@code name}: it scrapes the
     * exporter every {@code interval} (each scrape may take as long), keeps up to 2,000 scraped rows waiting, and
     * sends them in batches of up to 500 rows, a part-filled one after 100 ms.
     */
    static Running scrape(
            String name, RunningServer server, String transport, FakeDcgmExporter exporter, Duration interval)
            throws IOException {
        String every = interval.toMillis() + "ms";
        return start(
                name,
                "--scrape",
                exporter.target(),
                "--scrape-interval",
                every,
                "--scrape-timeout",
                every,
                "--url",
                server.baseUrl(),
                "--transport",
                transport,
                "--instance-id",
                name,
                "--scrape-buffer",
                "2000",
                "--interval",
                "100ms",
                "--batch-size",
                "500");
    }

    /**
     * A streamer of a system test: it compiles with C1 only, as the system tests' servers do (a short-lived JVM on two
     * cores busy with servers), since no system test measures its speed.
     */
    static Running start(String name, String... arguments) throws IOException {
        return start(name, List.of("-XX:TieredStopAtLevel=1"), arguments);
    }

    /** A streamer whose speed counts (the benchmarks, the overload test): the JVM's full compiler. */
    public static Running startFullyCompiled(String name, String... arguments) throws IOException {
        return start(name, List.of(), arguments);
    }

    private static Running start(String name, List<String> jvmOptions, String... arguments) throws IOException {
        List<String> command = new ArrayList<>(List.of("java"));
        command.addAll(jvmOptions);
        command.addAll(Launch.coverageAgent());
        command.addAll(List.of("-jar", Launch.required("streamer.jar")));
        command.addAll(List.of(arguments));
        Path out = Path.of("target", name + "-streamer.out");
        Path err = Path.of("target", name + "-streamer.err");
        var builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        // Each instance id keeps its producer state here rather than in the home directory.
        builder.environment().put("STATE_DIR", STATE.toString());
        Process process = builder.start();
        return new Running(process, out, err);
    }

    /**
     * SIGTERM to every streamer at once, so that their drains overlap, then {@link Running#stopCleanly}'s checks of
     * each; answers their summaries in the same order.
     */
    static List<Summary> stopCleanly(List<Running> streamers) throws IOException, InterruptedException {
        streamers.forEach(streamer -> streamer.process().destroy());
        List<Summary> summaries = new ArrayList<>();
        for (Running streamer : streamers) {
            summaries.add(Running.exitedCleanly(streamer.awaitExit()));
        }
        return summaries;
    }

    /** A streamer still running, e.g. in a loop; closing it kills it if a test ended before stopping it. */
    public record Running(Process process, Path out, Path err) implements AutoCloseable {

        @Override
        public void close() {
            process.destroyForcibly();
        }

        /** SIGTERM, as an operator's Ctrl+C or Kubernetes would send it; the streamer drains and summarises. */
        Result stop() throws IOException, InterruptedException {
            process.destroy();
            return awaitExit();
        }

        /**
         * SIGTERM, then what every streamer stopped this way must show: exit code 0, no rejected row of the sample,
         * and every row it read acknowledged (it drained what it had read).
         */
        public Summary stopCleanly() throws IOException, InterruptedException {
            return exitedCleanly(stop());
        }

        /** Waits for a streamer that ends by itself (at the end of its input), which must have exited cleanly. */
        Summary finished() throws IOException, InterruptedException {
            return exitedCleanly(awaitExit());
        }

        private static Summary exitedCleanly(Result result) {
            assertThat(result.exitCode())
                    .as("streamer exit; stderr:%n%s", result.stderr())
                    .isZero();
            Summary summary = result.summary();
            assertThat(summary.rowsRejected()).isZero();
            assertThat(summary.rowsAcked()).isEqualTo(summary.rowsRead()).isPositive();
            return summary;
        }

        /** SIGKILL: the streamer gets no chance to finish anything. */
        void kill() throws InterruptedException {
            process.destroyForcibly().waitFor();
        }

        Result awaitExit() throws IOException, InterruptedException {
            if (!process.waitFor(5, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new IllegalStateException("the streamer did not finish within 5 minutes; see " + err);
            }
            return new Result(process.exitValue(), Files.readAllLines(out), Files.readString(err));
        }
    }
}
