package com.gputelemetry.streamer.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.BufferedWriter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: how fast the streamer jar reads, validates and sends on its own, and how little memory it needs on a
 * large file. The server is a stub on loopback that counts the rows of each batch and acknowledges them at once, so
 * the streamer is all that is measured. Run with {@code ./mvnw -B verify -pl streamer-client -Pstreamer-benchmark};
 * writes {@code streamer-client/target/streamer-benchmark.md}.
 */
@EnabledIfSystemProperty(named = "streamer.benchmark", matches = "true", disabledReason = "a benchmark, run on demand")
class StreamerBenchmarkIT {

    private static final Pattern SUMMARY = Pattern.compile("\"rowsRead\":(\\d+),\"rowsAcked\":(\\d+)");
    private static final int SAMPLE_ROWS = 2_470;

    @Test
    void measure() throws Exception {
        AtomicLong rowsReceived = new AtomicLong();
        HttpServer stub = stub(rowsReceived);
        try {
            String url = "http://127.0.0.1:" + stub.getAddress().getPort();
            Path work = Files.createTempDirectory(Path.of("target"), "streamer-benchmark");

            Run looping = run(
                    work,
                    List.of("-Xmx256m"),
                    "--url",
                    url,
                    "--loop",
                    "--interval",
                    "0ms",
                    "--batch-size",
                    "1000",
                    "--duration",
                    "15s");

            int copies = Integer.getInteger("streamer.benchmark.copies", 2_000);
            Path big = work.resolve("big.csv");
            writeRepeatedSample(big, copies);
            long rowsBefore = rowsReceived.get();
            Run bigFile = run(
                    work,
                    List.of("-Xmx32m"),
                    "--url",
                    url,
                    "--csv-path",
                    big.toString(),
                    "--interval",
                    "0ms",
                    "--batch-size",
                    "1000");
            long bigRows = (long) SAMPLE_ROWS * copies;
            assertThat(bigFile.rowsAcked())
                    .as("every row of the big file acknowledged")
                    .isEqualTo(bigRows);
            assertThat(rowsReceived.get() - rowsBefore)
                    .as("and received by the stub")
                    .isEqualTo(bigRows);

            String report = String.format(
                    "Streamer alone, against a loopback stub that acknowledges at once:%n%n"
                            + "| run | rows | seconds | rows/s | peak resident MB |%n|---|---|---|---|---|%n"
                            + "| the sample in a loop, 1,000-row batches, 15 s, -Xmx256m | %,d | %.1f | %,.0f | %d |%n"
                            + "| a %,d MB file (the sample %,d times), -Xmx32m | %,d | %.1f | %,.0f | %d |%n",
                    looping.rowsAcked(),
                    looping.seconds(),
                    looping.rowsAcked() / looping.seconds(),
                    looping.peakResidentMb(),
                    Files.size(big) / 1_000_000,
                    copies,
                    bigFile.rowsAcked(),
                    bigFile.seconds(),
                    bigFile.rowsAcked() / bigFile.seconds(),
                    bigFile.peakResidentMb());
            Files.writeString(Path.of("target", "streamer-benchmark.md"), report);
            System.out.println(report);
            Files.delete(big);
        } finally {
            stub.stop(0);
        }
    }

    private record Run(long rowsAcked, double seconds, long peakResidentMb) {}

    /** Runs the streamer jar to its end; answers its acknowledged rows, the time taken and its peak memory. */
    private static Run run(Path work, List<String> jvm, String... arguments) throws Exception {
        var command = new java.util.ArrayList<>(List.of("java"));
        command.addAll(jvm);
        command.addAll(List.of("-jar", System.getProperty("streamer.jar")));
        command.addAll(List.of(arguments));
        var builder = new ProcessBuilder(command)
                .redirectOutput(work.resolve("out.txt").toFile())
                .redirectError(work.resolve("err.txt").toFile());
        builder.environment().put("STATE_DIR", work.resolve("state").toString());
        long started = System.nanoTime();
        Process streamer = builder.start();
        long peakKb = 0;
        while (!streamer.waitFor(100, TimeUnit.MILLISECONDS)) {
            peakKb = Math.max(peakKb, residentKb(streamer.pid()));
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        assertThat(streamer.exitValue())
                .as("streamer exit; %s", Files.readString(work.resolve("err.txt")))
                .isZero();
        List<String> out = Files.readAllLines(work.resolve("out.txt"));
        Matcher summary = SUMMARY.matcher(out.get(out.size() - 1));
        assertThat(summary.find()).as(out.get(out.size() - 1)).isTrue();
        assertThat(summary.group(2)).as("every row read was acknowledged").isEqualTo(summary.group(1));
        return new Run(Long.parseLong(summary.group(2)), seconds, peakKb / 1024);
    }

    /** The process's peak resident memory so far (VmHWM), from Linux's /proc. */
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

    /** Acknowledges every batch at once, counting its rows (the lines after the header). */
    private static HttpServer stub(AtomicLong rowsReceived) throws IOException {
        // Without TCP_NODELAY the JDK's server and client wait out each other's delayed ACKs: ~40 ms a batch.
        System.setProperty("sun.net.httpserver.nodelay", "true");
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/ingest", exchange -> {
            long lines = 0;
            for (byte b : exchange.getRequestBody().readAllBytes()) {
                if (b == '\n') {
                    lines++;
                }
            }
            rowsReceived.addAndGet(lines - 1);
            byte[] body = ("{\"accepted\":" + (lines - 1) + ",\"duplicate\":false,\"rejected\":[]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        return server;
    }

    private static void writeRepeatedSample(Path file, int copies) throws IOException {
        List<String> sample = Files.readAllLines(Path.of(System.getProperty("sample.csv")));
        try (BufferedWriter out = Files.newBufferedWriter(file)) {
            out.write(sample.get(0));
            out.write('\n');
            for (int copy = 0; copy < copies; copy++) {
                for (String row : sample.subList(1, sample.size())) {
                    out.write(row);
                    out.write('\n');
                }
            }
        }
    }
}
