package com.gputelemetry.system;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** The packaged server jar, started as its own process on a free port. */
public final class PackagedServer implements RunningServer, AutoCloseable {

    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(3);

    private final String name;
    private final ProcessBuilder builder;
    private final int port;
    private final Path log;
    private Process process;

    private PackagedServer(String name, ProcessBuilder builder, int port, Path log) {
        this.name = name;
        this.builder = builder;
        this.port = port;
        this.log = log;
    }

    /** The JDBC URL of an embedded H2 database in a file of {@code directory}, as {@code TELEMETRY_DB_URL}. */
    public static String h2Url(Path directory) {
        return "jdbc:h2:file:" + directory.resolve("telemetry") + ";DB_CLOSE_ON_EXIT=FALSE";
    }

    /** @param environment the server's configuration, as an operator would set it */
    static PackagedServer start(Map<String, String> environment, String name) throws IOException, InterruptedException {
        return start(environment, name, true);
    }

    /**
     * @param measureCoverage false for a server that will be killed: a JVM killed while JaCoCo's agent writes its
     *     file would leave the shared coverage file unreadable
     */
    public static PackagedServer start(Map<String, String> environment, String name, boolean measureCoverage)
            throws IOException, InterruptedException {
        return start(environment, name, systemTestOptions(measureCoverage));
    }

    /**
     * A system test's server compiles with C1 only: it is ready in about a fifth less time on two cores (three
     * started at once, in a third less), and no system test measures its speed. The benchmarks and the overload test
     * give their own options and get the JVM's full compiler.
     */
    private static List<String> systemTestOptions(boolean measureCoverage) {
        List<String> options = new ArrayList<>(measureCoverage ? Launch.coverageAgent() : List.of());
        options.add("-XX:TieredStopAtLevel=1");
        return options;
    }

    /** @param jvmOptions the server JVM's options; without a heap size among them, 1 GB */
    public static PackagedServer start(Map<String, String> environment, String name, List<String> jvmOptions)
            throws IOException, InterruptedException {
        for (int attempt = 1; ; attempt++) {
            var server = prepare(environment, name, jvmOptions);
            try {
                server.restart();
                return server;
            } catch (IllegalStateException exited) {
                // A port found free was taken by another process before the server bound it (servers started at
                // once, streamers' connections): a first start tries other ports. A restart keeps its port.
                if (attempt == 3 || !server.log().contains("Address already in use")) {
                    throw exited;
                }
                System.out.printf("%s: a port was taken meanwhile; starting on others%n", name);
            }
        }
    }

    /** Starts the server and answers at once, without waiting for it to be ready: for a start that must fail. */
    static PackagedServer launch(Map<String, String> environment, String name) throws IOException {
        var server = prepare(environment, name, systemTestOptions(true));
        server.process = server.builder.start();
        return server;
    }

    private static PackagedServer prepare(Map<String, String> environment, String name, List<String> jvmOptions)
            throws IOException {
        int port = FreePorts.one();
        Path log = Path.of("target", name + "-server.log");
        Files.deleteIfExists(log);
        List<String> command = new ArrayList<>(List.of("java"));
        if (jvmOptions.stream().noneMatch(option -> option.startsWith("-Xmx"))) {
            command.add("-Xmx1g");
        }
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", Launch.required("server.jar"), "--port", Integer.toString(port)));
        var builder = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment);
        return new PackagedServer(name, builder, port, log);
    }

    /**
     * Starts the server (again, after a kill) on the same port and database, and waits until it is ready; prints how
     * long that took (the start-to-ready figure in docs/benchmarks.md).
     */
    void restart() throws IOException, InterruptedException {
        long started = System.nanoTime();
        process = builder.start();
        awaitReady();
        System.out.printf("%s: server started and ready in %.1f s%n", name, (System.nanoTime() - started) / 1e9);
    }

    /** SIGKILL: no shutdown hooks, no chance to finish anything, as in a power cut or an OOM kill. */
    void kill() throws InterruptedException {
        process.destroyForcibly().waitFor();
    }

    /** The server JVM's process, e.g. to read its memory and CPU time. */
    public ProcessHandle process() {
        return process.toHandle();
    }

    String name() {
        return name;
    }

    /** What the server has logged so far. */
    public String log() throws IOException {
        return Files.readString(log);
    }

    @Override
    public URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private void awaitReady() throws IOException, InterruptedException {
        HttpClient client = Http.CLIENT;
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server exited with " + process.exitValue() + "; see " + log);
            }
            try {
                // Payara Micro says "ready" even when the deployment failed: only a real answer counts.
                var response = client.send(
                        HttpRequest.newBuilder(uri("/health/ready")).build(), HttpResponse.BodyHandlers.discarding());
                if (response.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYetListening) {
                // keep waiting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(
                "the server was not ready within " + STARTUP_TIMEOUT + "; see " + log + ":\n" + Files.readString(log));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
