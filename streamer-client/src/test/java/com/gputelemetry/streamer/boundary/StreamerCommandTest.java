package com.gputelemetry.streamer.boundary;

import static org.assertj.core.api.Assertions.assertThat;

import com.gputelemetry.streamer.process.FakeExporters;
import com.gputelemetry.streamer.process.SampleExposition;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line end to end in this JVM, against a loopback HTTP server that acknowledges every batch. */
class StreamerCommandTest {

    @TempDir
    Path state;

    private HttpServer server;
    private final List<String> authorizations = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream stdout = new ByteArrayOutputStream();
    private final List<String> bodies = new CopyOnWriteArrayList<>();
    private final ByteArrayOutputStream stderr = new ByteArrayOutputStream();
    private final PrintStream originalOut = System.out;
    private final PrintStream originalErr = System.err;
    private final InputStream originalIn = System.in;

    @BeforeEach
    void start() throws Exception {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/ingest", exchange -> {
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            bodies.add(body);
            long rows = body.lines().count() - 1;
            byte[] answer = ("{\"accepted\":" + rows + ",\"duplicate\":false,\"rejected\":[]}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
        System.setOut(new PrintStream(stdout, true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(stderr, true, StandardCharsets.UTF_8));
    }

    @AfterEach
    void restore() {
        System.setOut(originalOut);
        System.setErr(originalErr);
        System.setIn(originalIn);
        server.stop(0);
    }

    @Test
    void streamsStandardInputOnceWithTheToken() throws Exception {
        String csv = "timestamp,metric_name,gpu_id,device,uuid,modelName,Hostname,value\n"
                + "2026-01-01T00:00:00Z,DCGM_FI_DEV_GPU_TEMP,0,nvidia0,GPU-1,H100,host,40\n"
                + "2026-01-01T00:00:00Z,DCGM_FI_DEV_GPU_TEMP,1,nvidia1,GPU-2,H100,host,hot\n";
        System.setIn(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));

        int exit = run("--csv-path", "-", "--token", "s3cret", "--interval", "0ms");

        assertThat(exit).isZero();
        assertThat(summary()).contains("\"rowsRead\":2", "\"rowsAcked\":1", "\"rowsRejected\":1", "\"batches\":1");
        assertThat(authorizations).containsExactly("Bearer s3cret");
    }

    @Test
    void backfillKeepsTheFilesTimesAsTheRowsAndRefusesALoopOrAScrape() throws Exception {
        String csv = "timestamp,metric_name,gpu_id,device,uuid,modelName,Hostname,value\n"
                + "2025-07-18T20:42:34Z,DCGM_FI_DEV_GPU_TEMP,0,nvidia0,GPU-1,H100,host,40\n"
                + "2025-07-18t20:43:04.5+02:00,DCGM_FI_DEV_GPU_TEMP,0,nvidia0,GPU-1,H100,host,41\n";
        System.setIn(new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));

        assertThat(run("--csv-path", "-", "--backfill", "--interval", "0ms")).isZero();

        assertThat(bodies).hasSize(1);
        assertThat(bodies.get(0).lines().skip(1).map(line -> line.substring(0, line.indexOf(','))))
                .as("each row's time is the file's, in UTC")
                .containsExactly("2025-07-18T20:42:34Z", "2025-07-18T18:43:04.500Z");
        assertThat(run("--csv-path", "-", "--backfill", "--loop")).isEqualTo(2);
        assertThat(run("--scrape", "127.0.0.1:9", "--backfill")).isEqualTo(2);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("--backfill keeps the file's times");
    }

    @Test
    void aRateCapAndADurationBoundALoop() {
        int exit = run("--loop", "--rate", "2000", "--duration", "1s", "--interval", "0ms", "--batch-size", "100");

        assertThat(exit).isZero();
        long read = Long.parseLong(summary().replaceAll(".*\"rowsRead\":(\\d+).*", "$1"));
        // At 2,000 rows/s for one second, with the batch being filled when the time is up sent as well.
        assertThat(read).isPositive().isLessThanOrEqualTo(2_100);
        assertThat(summary()).contains("\"rowsAcked\":" + read);
    }

    @Test
    void badUsageAndBadInputEndWithExitCode2() {
        assertThat(run("--batch-size", "0")).isEqualTo(2);
        assertThat(run("--csv-path", "-", "--loop")).isEqualTo(2);
        assertThat(run("--instance-id", "no/slashes")).isEqualTo(2);
        assertThat(run("--csv-path", state.resolve("absent.csv").toString())).isEqualTo(2);
        assertThat(summary()).contains("\"rowsRead\":0");
    }

    @Test
    void aBinaryFileIsNamedAsNotUtf8WithItsLineAndTheSummaryIsStillLast() throws Exception {
        Path binary = state.resolve("image.csv");
        Files.write(binary, new byte[] {(byte) 0x89, 'P', 'N', 'G', (byte) 0xC3, (byte) 0x28, '\n', 0, 1, 2});

        assertThat(run("--csv-path", binary.toString())).isEqualTo(2);

        String errors = stderr.toString(StandardCharsets.UTF_8);
        assertThat(errors).contains("image.csv at line 1: not UTF-8 text").doesNotContain("Exception", "Input length");
        List<String> lines = stdout.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(lines.size() - 1)).startsWith("{\"event\":\"summary\"");
    }

    @Test
    void aTokenTheServerForbidsEndsTheRunWithExitCode2AtTheFirstBatch() throws Exception {
        answerEveryBatchWith(403, "{\"status\":403,\"title\":\"Forbidden\"}");

        int exit = run("--token", "a-reader-token", "--interval", "0ms", "--batch-size", "100");

        assertThat(exit).isEqualTo(2);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("HTTP 403", "--token");
        assertThat(authorizations).as("one batch tried, not every batch").containsExactly("Bearer a-reader-token");
        assertThat(summary()).contains("\"rowsAcked\":0");
    }

    @Test
    void anUnexpectedInternalErrorEndsWithExitCode1AndTheSummaryLast() throws Exception {
        // An answer the streamer cannot read: nothing it knows how to handle, so it stops with exit code 1.
        answerEveryBatchWith(200, "{\"accepted\":\"many\",\"duplicate\":false,\"rejected\":[]}");

        int exit = run("--interval", "0ms", "--retry-budget", "1s");

        assertThat(exit).isEqualTo(1);
        assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("unexpected reply from the server");
        List<String> lines = stdout.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines.get(lines.size() - 1)).startsWith("{\"event\":\"summary\"");
    }

    @Test
    void anUnreachableServerEndsWithExitCode3AfterTheRetryBudget() {
        server.stop(0);
        assertThat(run("--retry-budget", "500ms")).isEqualTo(3);
        assertThat(summary()).contains("\"rowsAcked\":0");
    }

    @Test
    void scrapingAndACsvInputExcludeEachOtherAndTheScrapeSettingsAreChecked() throws Exception {
        Path targets = state.resolve("targets.json");
        Files.writeString(targets, "[]");

        assertThat(run("--scrape", "node:9400", "--csv-path", "x.csv")).isEqualTo(2);
        assertThat(run("--scrape-targets", targets.toString(), "--csv-path", "-"))
                .isEqualTo(2);
        assertThat(run("--scrape", "node:9400", "--scrape-interval", "1s", "--scrape-timeout", "2s"))
                .isEqualTo(2);
        assertThat(run("--scrape", "node:9400", "--loop")).isEqualTo(2);
        assertThat(run("--scrape", "ftp://node:9400")).isEqualTo(2);
        assertThat(run("--scrape-targets", state.resolve("absent.yml").toString()))
                .isEqualTo(2);

        assertThat(stderr.toString(StandardCharsets.UTF_8))
                .contains(
                        "exclude each other", "--scrape-timeout (2000 ms) must be at most --scrape-interval (1000 ms)")
                .contains("not http", "absent.yml: no such file");
        assertThat(authorizations).as("nothing sent").isEmpty();
    }

    @Test
    void aScrapeRunSendsWhatItScrapedAndEndsWithTheSummaryOfItsScrapes() throws Exception {
        var sample = SampleExposition.load();
        try (var exporter = FakeExporters.serving(sample.text("mtv5-dgx1-hgpu-031"))) {
            int exit = run(
                    "--scrape",
                    exporter.url("/metrics") + "," + exporter.url("/absent"),
                    "--scrape-interval",
                    "400ms",
                    "--scrape-timeout",
                    "300ms",
                    "--interval",
                    "50ms",
                    "--duration",
                    "1500ms");

            assertThat(exit).isZero();
            String summary = summary();
            long ok = Long.parseLong(summary.replaceAll(".*\"scrapesOk\":(\\d+).*", "$1"));
            long failed = Long.parseLong(summary.replaceAll(".*\"scrapesFailed\":(\\d+).*", "$1"));
            assertThat(ok).isBetween(3L, 5L);
            assertThat(failed).isBetween(3L, 5L);
            assertThat(summary)
                    .startsWith("{\"event\":\"summary\"")
                    .contains("\"rowsRead\":" + ok * 80, "\"rowsAcked\":" + ok * 80, "\"samples\":" + ok * 80);
            assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("\"event\":\"scrape-failed\"", "HTTP 404");
        }
    }

    @Test
    void theExportersBehindADnsNameAreScrapedAndANameWithoutPortIsBadUsage() throws Exception {
        var sample = SampleExposition.load();
        try (var exporter = FakeExporters.serving(sample.text("mtv5-dgx1-hgpu-031"))) {
            assertThat(run("--scrape-dns", "dcgm-exporter.gpu-operator")).isEqualTo(2);
            assertThat(stderr.toString(StandardCharsets.UTF_8)).contains("--scrape-dns", "has no port");

            int exit = run(
                    "--scrape-dns",
                    "localhost:" + exporter.port(),
                    "--scrape-interval",
                    "400ms",
                    "--scrape-timeout",
                    "300ms",
                    "--interval",
                    "50ms",
                    "--duration",
                    "1500ms");

            assertThat(exit).isZero();
            assertThat(summary()).contains("\"rowsAcked\":").doesNotContain("\"rowsAcked\":0");
            assertThat(stderr.toString(StandardCharsets.UTF_8))
                    .contains("\"event\":\"scrape-dns\"", "addresses of 1 DNS name(s)");
        }
    }

    private void answerEveryBatchWith(int status, String body) throws IOException {
        server.stop(0);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/ingest", exchange -> {
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.getRequestBody().readAllBytes();
            byte[] answer = body.getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(status, answer.length);
            exchange.getResponseBody().write(answer);
            exchange.close();
        });
        server.start();
    }

    private int run(String... arguments) {
        List<String> all = new ArrayList<>(
                List.of("--url", "http://127.0.0.1:" + server.getAddress().getPort(), "--state-dir", state.toString()));
        all.addAll(List.of(arguments));
        return new CommandLine(new StreamerCommand()).execute(all.toArray(String[]::new));
    }

    private String summary() {
        List<String> lines = stdout.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).isNotEmpty();
        return lines.get(lines.size() - 1);
    }
}
