package com.gputelemetry.streamer.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The packaged streamer jar (system property {@code streamer.jar}), run as its own process as an operator runs it: its
 * standard output and error go to files named after the run, its state to a directory of the test's.
 */
public final class StreamerJar {

    private static final Pattern SUMMARY = Pattern.compile("\"rowsRead\":(\\d+),\"rowsAcked\":(\\d+)");

    private StreamerJar() {}

    /** A fresh directory under the build's {@code target} for a test's runs: their output files and state. */
    public static Path workDirectory(String prefix) throws IOException {
        return Files.createTempDirectory(Files.createDirectories(Path.of("target")), prefix);
    }

    /**
     * @param work where the output files and the state directory ({@code state}) go
     * @param name names the output files: {@code <name>.out}, {@code <name>.err}
     */
    public static Running start(Path work, String name, List<String> jvmOptions, String... arguments)
            throws IOException {
        String jar = System.getProperty("streamer.jar");
        if (jar == null || !Files.isRegularFile(Path.of(jar))) {
            throw new IllegalStateException("system property streamer.jar names no jar (" + jar
                    + "); run the tests through Maven's verify, after the package phase");
        }
        var command = new ArrayList<>(List.of("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar));
        command.addAll(List.of(arguments));
        Path out = work.resolve(name + ".out");
        Path err = work.resolve(name + ".err");
        var builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        builder.environment().put("STATE_DIR", work.resolve("state").toString());
        return new Running(builder.start(), out, err, System.nanoTime());
    }

    /** A streamer process, running or done. */
    public record Running(Process process, Path out, Path err, long startedNanos) {

        /** Waits for the end and reads the outcome; the peak resident memory is sampled meanwhile. */
        public Finished awaitExit(Duration timeout) throws IOException, InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            long peakKb = 0;
            while (!process.waitFor(100, TimeUnit.MILLISECONDS)) {
                peakKb = Math.max(peakKb, residentKb(process.pid()));
                if (System.nanoTime() > deadline) {
                    process.destroyForcibly().waitFor();
                    throw new AssertionError(
                            "the streamer did not end within " + timeout + "; its log:\n" + Files.readString(err));
                }
            }
            double seconds = (System.nanoTime() - startedNanos) / 1e9;
            return new Finished(
                    process.exitValue(), Files.readAllLines(out), Files.readString(err), seconds, peakKb / 1024);
        }

        /** SIGTERM, as Ctrl+C or Kubernetes sends it: the streamer drains, summarises and ends. */
        public Finished stop(Duration timeout) throws IOException, InterruptedException {
            process.destroy();
            return awaitExit(timeout);
        }
    }

    /**
     * How a run ended.
     *
     * @param peakResidentMb the process's peak resident memory as last sampled (0 when it ended before a sample)
     */
    public record Finished(int exitCode, List<String> stdout, String stderr, double seconds, long peakResidentMb) {

        public long rowsRead() {
            return summary(1);
        }

        public long rowsAcked() {
            return summary(2);
        }

        private long summary(int group) {
            String last = stdout.isEmpty() ? "" : stdout.get(stdout.size() - 1);
            Matcher summary = SUMMARY.matcher(last);
            if (!summary.find()) {
                throw new AssertionError(
                        "no summary as the last line of standard output: '" + last + "'; stderr:\n" + stderr);
            }
            return Long.parseLong(summary.group(group));
        }
    }

    /** The process's peak resident memory so far (VmHWM), from Linux's /proc; 0 where there is none. */
    private static long residentKb(long pid) {
        try {
            return Files.readAllLines(Path.of("/proc", Long.toString(pid), "status")).stream()
                    .filter(line -> line.startsWith("VmHWM:"))
                    .map(line -> Long.parseLong(line.replaceAll("[^0-9]", "")))
                    .findFirst()
                    .orElse(0L);
        } catch (IOException | RuntimeException gone) {
            return 0;
        }
    }
}
