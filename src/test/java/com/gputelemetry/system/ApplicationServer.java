package com.gputelemetry.system;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * A stock application server, unpacked afresh under {@code target/} from its Maven distribution, with the EAR deployed
 * by the same script an operator runs. Each server gets ports of its own, so that nothing else running gets in the way.
 */
abstract class ApplicationServer implements RunningServer, AutoCloseable {

    private static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(10);

    final String name;
    final Path home;
    /** What the deploy script may see of the test's own environment: where the programs it runs are. */
    private static final Set<String> PROGRAMS = Set.of("PATH", "HOME", "JAVA_HOME", "LANG", "TMPDIR");

    private final Map<String, String> deployEnvironment = new HashMap<>();
    private final Map<String, String> settings = new HashMap<>();

    ApplicationServer(String name, Path home) {
        this.name = name;
        this.home = home;
    }

    /** The server's name and version, as the server itself tells them. */
    abstract String version() throws IOException, InterruptedException;

    /** Where MicroProfile Health answers {@code path}: not always the application's port. */
    abstract URI health(String path);

    /** The deploy script an operator runs for this server. */
    abstract Path deployScript();

    /** What the deploy script needs to find this installation's ports. */
    abstract Map<String, String> scriptEnvironment();

    /** A part of the server JVM's command line that only this installation has. */
    abstract String commandLineMarker();

    /** Stops the server with its own command. */
    abstract void stop() throws IOException, InterruptedException;

    /**
     * Runs the deploy script with the operator's environment (database, settings) and nothing else of the test's own
     * environment but what finds programs: a setting the server has must come from a run of the script, never from
     * the environment the test happens to run in. Starts the server first if it is not running.
     *
     * @return how long the script took, until the application answered ready
     */
    Duration deploy(Map<String, String> environment) throws IOException, InterruptedException {
        if (deployEnvironment.isEmpty()) {
            Files.deleteIfExists(deployLog());
        }
        deployEnvironment.clear();
        deployEnvironment.putAll(environment);
        // What the server holds after this run: the script stores what is given, removes what is given empty and
        // leaves the rest as it was.
        environment.forEach((name, value) -> {
            if (value.isEmpty()) {
                settings.remove(name);
            } else {
                settings.put(name, value);
            }
        });
        return redeploy();
    }

    /** Runs the deploy script again with the same environment, as an operator would after a crash. */
    Duration redeploy() throws IOException, InterruptedException {
        Path log = deployLog();
        var builder = new ProcessBuilder(
                        "bash", deployScript().toString(), home.toString(), Launch.required("ear.file"))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().keySet().retainAll(PROGRAMS);
        builder.environment().putAll(deployEnvironment);
        builder.environment().putAll(scriptEnvironment());
        long start = System.nanoTime();
        Process script = builder.start();
        if (!script.waitFor(DEPLOY_TIMEOUT.toMinutes(), TimeUnit.MINUTES)) {
            script.destroyForcibly();
            throw new IllegalStateException(
                    "the deploy script did not finish within " + DEPLOY_TIMEOUT + "; see " + log);
        }
        if (script.exitValue() != 0) {
            throw new IllegalStateException(
                    "the deploy script failed with " + script.exitValue() + ":\n" + Files.readString(log));
        }
        return Duration.ofNanos(System.nanoTime() - start);
    }

    /** A setting as the server holds it after the runs so far; null when it has none. */
    String setting(String name) {
        return settings.get(name);
    }

    /** The first of the server's read tokens, while it requires one. */
    @Override
    public String readToken() {
        String tokens = settings.get("READ_TOKEN");
        return tokens == null ? null : tokens.split(",")[0].strip();
    }

    /** The lines the deploy script wrote itself (not the server's tools), each with its elapsed seconds. */
    String scriptSteps() throws IOException {
        return Files.readAllLines(deployLog()).stream()
                .filter(line -> line.matches("\\[[a-z-]+ \\d+s\\] .*"))
                .collect(Collectors.joining("\n"));
    }

    /** What the deploy script printed, over all its runs on this server. */
    private Path deployLog() {
        return Path.of("target", name + "-deploy.log");
    }

    /** SIGKILL to the server's JVM: no shutdown hooks, no chance to finish anything. */
    void kill() throws InterruptedException {
        List<ProcessHandle> jvms = serverProcesses().toList();
        if (jvms.isEmpty()) {
            throw new IllegalStateException("no running JVM of " + name + " to kill");
        }
        for (ProcessHandle jvm : jvms) {
            jvm.destroyForcibly();
            jvm.onExit().join();
        }
    }

    @Override
    public void close() throws Exception {
        try {
            stop();
        } finally {
            serverProcesses().forEach(ProcessHandle::destroyForcibly);
        }
    }

    private Stream<ProcessHandle> serverProcesses() {
        String marker = commandLineMarker();
        return ProcessHandle.allProcesses()
                .filter(p -> p.info().commandLine().orElse("").contains(marker));
    }

    /** Runs one of the server's own commands and answers its output; fails when the command does. */
    String run(String... command) throws IOException, InterruptedException {
        Path output = Files.createTempFile(name, ".out");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            boolean finished = process.waitFor(5, TimeUnit.MINUTES);
            if (!finished) {
                process.destroyForcibly();
            }
            if (!finished || process.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed:\n" + Files.readString(output));
            }
            return Files.readString(output);
        } finally {
            Files.delete(output);
        }
    }

    /**
     * Unpacks a distribution zip (given by the build as a system property) into {@code target/servers/<name>},
     * replacing what an earlier run left there, with the files' Unix permissions (the servers' scripts must run).
     *
     * @return the distribution's top-level directory
     */
    static Path unpack(String distributionProperty, String name) throws IOException {
        Path target = Path.of("target", "servers", name).toAbsolutePath();
        if (Files.exists(target)) {
            try (Stream<Path> old = Files.walk(target)) {
                for (Path path : old.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(path);
                }
            }
        }
        try (var zip =
                ZipFile.builder().setPath(Launch.required(distributionProperty)).get()) {
            for (ZipArchiveEntry entry : Collections.list(zip.getEntriesInPhysicalOrder())) {
                Path file = target.resolve(entry.getName()).normalize();
                if (!file.startsWith(target)) {
                    throw new IOException("entry outside the target directory: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(file);
                    continue;
                }
                Files.createDirectories(file.getParent());
                try (InputStream in = zip.getInputStream(entry)) {
                    Files.copy(in, file);
                }
                if ((entry.getUnixMode() & 0100) != 0) {
                    Set<PosixFilePermission> permissions = Files.getPosixFilePermissions(file);
                    permissions.add(PosixFilePermission.OWNER_EXECUTE);
                    Files.setPosixFilePermissions(file, permissions);
                }
            }
        }
        try (Stream<Path> top = Files.list(target)) {
            return top.filter(Files::isDirectory).findFirst().orElseThrow();
        }
    }
}
