package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's one command to run everything, {@code ./run.sh}, as a user runs it in a terminal, on what the build
 * made ({@code --no-build}: the test runs inside that build): the server on its own H2 database and the port given as
 * {@code PORT}, a streamer looping over the sample, and Ctrl+C, which a terminal sends to every process of the
 * foreground group at once. Both must stop, the streamer after its batch in flight, and its summary must be printed.
 * (The script writes {@code server.log} beside itself, as it always does.)
 */
public class RunScriptSystemIT {

    @Test
    void runShServesOnThePortGivenStreamsTheSampleAndCtrlCStopsBothWithTheSummary() throws Exception {
        Path scratch = Files.createTempDirectory("telemetry-run-sh");
        Path output = scratch.resolve("run.out");
        int port;
        try (var socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        // setsid: a process group of its own, as a terminal gives a command, so that the test can signal all of it;
        // SIGINT handled as in a terminal, even where this test runs with it ignored (a build started in the
        // background): a shell cannot trap a signal it was started ignoring.
        var builder = new ProcessBuilder(
                        "setsid", "env", "--default-signal=INT", "bash", Launch.required("run.script"), "--no-build")
                .redirectErrorStream(true)
                .redirectOutput(output.toFile());
        builder.environment().put("PORT", Integer.toString(port));
        builder.environment().put("TELEMETRY_DB_URL", PackagedServer.h2Url(scratch));
        builder.environment().put("STATE_DIR", scratch.resolve("streamer-state").toString());
        Process script = builder.start();
        try {
            RunningServer server = path -> java.net.URI.create("http://localhost:" + port + path);
            Poll.until(
                    "the script's server ready on port " + port + " and the sample's GPUs listed",
                    Duration.ofMinutes(3),
                    Duration.ofMillis(500),
                    () -> {
                        try {
                            return Http.get(server, "/api/v1/gpus?limit=1000").body();
                        } catch (java.io.IOException notYetListening) {
                            return "";
                        }
                    },
                    gpus -> gpus.split("\"uuid\"").length - 1 == TelemetryCsv.SAMPLE_GPUS);
            assertThat(Files.readString(output)).contains("Server ready:", "http://localhost:" + port + "/");
            List<ProcessHandle> children = script.toHandle().descendants().toList();
            assertThat(children)
                    .as("the server and the streamer, each a java process")
                    .filteredOn(p -> p.info().command().orElse("").endsWith("java"))
                    .hasSize(2);

            // Ctrl+C: SIGINT to the whole process group.
            int signalled = new ProcessBuilder("kill", "-INT", "--", "-" + script.pid())
                    .inheritIO()
                    .start()
                    .waitFor();
            assertThat(signalled).isZero();
            assertThat(script.waitFor(2, TimeUnit.MINUTES))
                    .as("the script stopped")
                    .isTrue();
            assertThat(script.exitValue()).isZero();
            assertThat(children).as("the server and the streamer stopped").noneMatch(ProcessHandle::isAlive);

            List<String> lines = Files.readAllLines(output);
            assertThat(lines).contains("Stopping...");
            StreamerProcess.Summary summary = Http.fromJson(
                    lines.stream()
                            .filter(line -> line.startsWith("{\"event\":\"summary\""))
                            .reduce((first, last) -> last)
                            .orElseThrow(() -> new AssertionError("no summary in:\n" + String.join("\n", lines))),
                    StreamerProcess.Summary.class);
            assertThat(summary.instanceId()).isEqualTo("local-1");
            assertThat(summary.rowsAcked())
                    .as("every row read acknowledged: the batch in flight finished before the server stopped")
                    .isEqualTo(summary.rowsRead())
                    .isPositive();
        } finally {
            script.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
            script.destroyForcibly();
        }
    }
}
