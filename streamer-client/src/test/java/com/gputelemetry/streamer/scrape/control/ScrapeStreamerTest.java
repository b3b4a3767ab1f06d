package com.gputelemetry.streamer.scrape.control;

import static com.gputelemetry.streamer.scrape.control.ScrapeRun.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.gputelemetry.streamer.process.FakeExporters;
import com.gputelemetry.streamer.process.FakeExporters.Answer;
import com.gputelemetry.streamer.process.SampleExposition;
import com.gputelemetry.streamer.process.StubIngest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.commons.csv.CSVRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scrape mode end to end in this JVM: fake dcgm-exporters on loopback made from the bundled sample (one per host),
 * the scrape streamer, and a stub ingest that keeps every batch it acknowledges.
 */
class ScrapeStreamerTest {

    private static final SampleExposition SAMPLE = SampleExposition.load();

    @TempDir
    Path directory;

    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception {
        for (int i = open.size() - 1; i >= 0; i--) {
            open.get(i).close();
        }
    }

    @Test
    void everyRowSentIsTheExpositionServedWithItsLabelsMappedExactly() throws Exception {
        StubIngest ingest = opened(StubIngest.recording());
        Map<String, FakeExporters> exporters = new LinkedHashMap<>();
        for (String host : SAMPLE.byHost().keySet()) {
            exporters.put(host, opened(FakeExporters.serving(SAMPLE.text(host))));
        }
        List<String> urls =
                exporters.values().stream().map(e -> e.url("/metrics")).toList();
        ScrapeRun run =
                opened(ScrapeRun.of(ingest, Duration.ofSeconds(5), Duration.ofSeconds(2), urls.toArray(String[]::new)));

        await("every exporter scraped once", () -> run.stats.scrapes().ok() >= exporters.size());
        run.stop();

        Set<String> expected = new HashSet<>();
        exporters.forEach((host, exporter) -> {
            for (SampleExposition.Series series : SAMPLE.byHost().get(host)) {
                Map<String, String> labels = new TreeMap<>(series.labels());
                labels.put("instance", exporter.address());
                labels.put("__name__", series.metric());
                String labelsRaw = labels.entrySet().stream()
                        .map(l -> l.getKey() + "=\"" + l.getValue() + "\"")
                        .collect(Collectors.joining(","));
                expected.add(String.join(
                        "|",
                        series.metric(),
                        series.labels().get("gpu"),
                        series.labels().get("device"),
                        series.labels().get("UUID"),
                        series.labels().get("modelName"),
                        host,
                        series.value(),
                        "",
                        "",
                        "",
                        labelsRaw,
                        ""));
            }
        });
        List<CSVRecord> sent = ingest.sentRows();
        assertThat(sent.stream().map(ScrapeStreamerTest::withoutTime).toList())
                .as("rows sent, compared with the exposition served")
                .hasSize(2_470)
                .containsExactlyInAnyOrderElementsOf(expected);
        // Every row of one scrape has the scrape's start as its time.
        Map<String, Set<String>> timesByHost = sent.stream()
                .collect(Collectors.groupingBy(
                        r -> r.get("Hostname"), Collectors.mapping(r -> r.get("timestamp"), Collectors.toSet())));
        assertThat(timesByHost).hasSize(31).allSatisfy((host, times) -> assertThat(times)
                .hasSize(1));
        assertThat(run.stats.toJson("summary"))
                .contains("\"rowsRead\":2470", "\"rowsAcked\":2470", "\"rowsRejected\":0", "\"scrapesFailed\":0")
                .contains("\"samples\":2470", "\"samplesNotGpu\":0");
    }

    @Test
    void sentinelsAreRejectedAndSamplesOfNoGpuCountedButNotSent() throws Exception {
        StubIngest ingest = opened(StubIngest.recording());
        List<SampleExposition.Series> series = SAMPLE.byHost().get("mtv5-dgx1-hgpu-031");
        Map<String, String> gpu0 = series.get(0).labels();
        String body = SampleExposition.render(series)
                + "# TYPE DCGM_FI_DEV_ECC_SBE_VOL_TOTAL counter\n"
                + new SampleExposition.Series("DCGM_FI_DEV_ECC_SBE_VOL_TOTAL", gpu0, "9223372036854775794").line()
                + "\n"
                + new SampleExposition.Series("DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL", gpu0, "2147483632").line()
                + "\n# HELP promhttp_metric_handler_requests_total Total number of scrapes by HTTP status code.\n"
                + "# TYPE promhttp_metric_handler_requests_total counter\n"
                + "promhttp_metric_handler_requests_total{code=\"200\"} 7\n"
                + "go_goroutines 12\n"
                + new SampleExposition.Series("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE", gpu0, "0.25").line()
                + "\n";
        FakeExporters exporter = opened(FakeExporters.serving(body));
        ScrapeRun run =
                opened(ScrapeRun.of(ingest, Duration.ofSeconds(5), Duration.ofSeconds(2), exporter.url("/metrics")));

        await("one scrape", () -> run.stats.scrapes().ok() >= 1);
        run.stop();

        List<CSVRecord> sent = ingest.sentRows();
        assertThat(sent).hasSize(series.size() + 1);
        assertThat(sent.stream().map(r -> r.get("metric_name")))
                .contains("DCGM_FI_PROF_PIPE_TENSOR_ACTIVE")
                .doesNotContain(
                        "DCGM_FI_DEV_ECC_SBE_VOL_TOTAL",
                        "DCGM_FI_DEV_NVLINK_BANDWIDTH_TOTAL",
                        "promhttp_metric_handler_requests_total",
                        "go_goroutines");
        assertThat(run.stats.toJson("summary"))
                .contains("\"rowsRejected\":2", "\"samplesNotGpu\":2", "\"samples\":" + (series.size() + 5));
        assertThat(run.log()).contains("\"event\":\"rejected\"", "\"rows\":\"2\"", "'not supported' sentinel");
    }

    @Test
    void gzippedOpenMetricsWithTimestampsAndEscapedLabelValuesAreRead() throws Exception {
        StubIngest ingest = opened(StubIngest.recording());
        String body = "# HELP DCGM_FI_DEV_GPU_TEMP GPU temperature (in C).\n"
                + "# TYPE DCGM_FI_DEV_GPU_TEMP gauge\n"
                + "# UNIT DCGM_FI_DEV_GPU_TEMP celsius\n"
                + "DCGM_FI_DEV_GPU_TEMP{gpu=\"3\",UUID=\"GPU-abc\",device=\"nvidia3\",modelName=\"H100 \\\"SXM\\\"\","
                + "hostname=\"node-7\",pod=\"trainer-0\",namespace=\"ml\",container=\"pytorch\","
                + "note=\"a\\\\b\\nc\"} 41 1752871354.5 # {trace_id=\"x\"} 1\n"
                + "# EOF\n";
        FakeExporters exporter = opened(FakeExporters.start(2));
        String url = exporter.add("/metrics", () -> Answer.openMetrics(body).gzipped());
        ScrapeRun run = opened(ScrapeRun.of(ingest, Duration.ofSeconds(5), Duration.ofSeconds(2), url));

        await("one scrape", () -> run.stats.scrapes().ok() >= 1);
        run.stop();

        List<CSVRecord> sent = ingest.sentRows();
        assertThat(sent).hasSize(1);
        CSVRecord row = sent.get(0);
        assertThat(row.get("modelName")).isEqualTo("H100 \"SXM\"");
        assertThat(row.get("Hostname")).isEqualTo("node-7");
        assertThat(row.get("pod") + "/" + row.get("namespace") + "/" + row.get("container"))
                .isEqualTo("trainer-0/ml/pytorch");
        assertThat(row.get("source_timestamp")).isEqualTo("2025-07-18T20:42:34.500Z");
        assertThat(Instant.parse(row.get("timestamp"))).isAfter(Instant.now().minusSeconds(60));
        assertThat(row.get("labels_raw"))
                .isEqualTo("UUID=\"GPU-abc\",__name__=\"DCGM_FI_DEV_GPU_TEMP\",container=\"pytorch\","
                        + "device=\"nvidia3\",gpu=\"3\",hostname=\"node-7\",instance=\"" + exporter.address() + "\","
                        + "modelName=\"H100 \\\"SXM\\\"\",namespace=\"ml\",note=\"a\\\\b\\nc\",pod=\"trainer-0\"");
    }

    @Test
    void aTargetDownSlowOrAnsweringGarbageIsLoggedWhileTheOthersKeepTheirSchedule() throws Exception {
        StubIngest ingest = opened(StubIngest.recording());
        FakeExporters exporters = opened(FakeExporters.start(8));
        String host = "mtv5-dgx1-hgpu-031";
        String good1 = exporters.add("/good1/metrics", () -> Answer.text(SAMPLE.text(host)));
        String good2 = exporters.add("/good2/metrics", () -> Answer.text(SAMPLE.text("mtv5-dgx1-hgpu-001")));
        String slow = exporters.add(
                "/slow/metrics", () -> Answer.text(SAMPLE.text(host)).after(Duration.ofSeconds(3)));
        String html = exporters.add(
                "/html/metrics",
                () -> new Answer(
                        200,
                        "text/html; charset=utf-8",
                        "<html><body>Login</body></html>".getBytes(StandardCharsets.UTF_8),
                        false,
                        Duration.ZERO,
                        false));
        String garbage = exporters.add("/garbage/metrics", () -> Answer.text("\u0000\u0001 not {metrics\n"));
        String notFound = exporters.add(
                "/missing/metrics",
                () -> new Answer(
                        404,
                        "text/plain",
                        "404 page not found".getBytes(StandardCharsets.UTF_8),
                        false,
                        Duration.ZERO,
                        false));
        byte[] line = "filler_metric 1\n".getBytes(StandardCharsets.UTF_8);
        String endless =
                exporters.add("/endless/metrics", () -> new Answer(200, "text/plain", line, false, Duration.ZERO, false)
                        .repeatedForever());
        String down;
        try (var closed = FakeExporters.start(1)) {
            down = closed.url("/metrics");
        }
        ScrapeRun run = opened(ScrapeRun.of(
                ingest,
                Duration.ofMillis(800),
                Duration.ofMillis(500),
                good1,
                good2,
                slow,
                html,
                garbage,
                notFound,
                endless,
                down));

        // Five slots of the good targets, while the others fail at each of theirs.
        Thread.sleep(4_300);
        run.stop();

        for (String path : List.of("/good1/metrics", "/good2/metrics")) {
            List<Long> arrivals = exporters.arrivals(path);
            assertThat(arrivals).as(path + " scraped at every slot").hasSizeBetween(5, 6);
            for (int i = 1; i < arrivals.size(); i++) {
                assertThat((arrivals.get(i) - arrivals.get(i - 1)) / 1_000_000)
                        .as("%s: milliseconds between scrapes %d and %d", path, i, i + 1)
                        .isBetween(600L, 1_000L);
            }
        }
        String log = run.log();
        assertThat(failures(log, slow)).contains("no complete answer within the scrape timeout of 500 ms");
        assertThat(failures(log, html)).contains("answered with a web page (text/html; charset=utf-8), not metrics");
        assertThat(failures(log, garbage)).contains("line 1: expected a metric name");
        assertThat(failures(log, notFound)).contains("HTTP 404");
        assertThat(failures(log, endless)).contains("the body is larger than 16 MiB");
        assertThat(failures(log, down)).contains("connection refused");
        // Logged when the target goes down, not at every slot; its health carries the rest.
        assertThat(log.split("\"scrape-failed\",\"target\":\"" + down, -1)).hasSize(2);
        assertThat(log)
                .containsPattern("\"event\":\"scrape-target\",\"target\":\"" + down
                        + "\",\"up\":\"false\",\"lastSuccess\":\"\",\"lastError\":\"connection refused or unreachable\","
                        + "\"lastErrorAt\":\"\\d{4}-[^\"]+\"");
        assertThat(log)
                .containsPattern("\"event\":\"scrape-target\",\"target\":\"" + good1
                        + "\",\"up\":\"true\",\"lastSuccess\":\"\\d{4}-[^\"]+\",\"lastError\":\"\"");
        Set<String> hosts =
                ingest.sentRows().stream().map(r -> r.get("Hostname")).collect(Collectors.toSet());
        assertThat(hosts).containsExactlyInAnyOrder(host, "mtv5-dgx1-hgpu-001");
        assertThat(run.stats.toJson("summary")).contains("\"scrapesFailed\":").doesNotContain("\"scrapesFailed\":0");
    }

    @Test
    void aTargetChangingItsGpuSetBetweenScrapesSendsWhatEachScrapeHeld() throws Exception {
        StubIngest ingest = opened(StubIngest.recording());
        List<SampleExposition.Series> all = SAMPLE.byHost().get("mtv5-dgx1-hgpu-031");
        List<SampleExposition.Series> half = all.stream()
                .filter(s -> Integer.parseInt(s.labels().get("gpu")) < 4)
                .toList();
        var scrapes = new java.util.concurrent.atomic.AtomicInteger();
        FakeExporters exporter = opened(FakeExporters.start(2));
        String url = exporter.add(
                "/metrics", () -> Answer.text(SampleExposition.render(scrapes.getAndIncrement() == 0 ? all : half)));
        ScrapeRun run = opened(ScrapeRun.of(ingest, Duration.ofMillis(500), Duration.ofMillis(400), url));

        await("two scrapes", () -> run.stats.scrapes().ok() >= 2);
        run.stop();

        Map<String, Set<String>> uuidsByScrape = new TreeMap<>();
        for (CSVRecord row : ingest.sentRows()) {
            uuidsByScrape
                    .computeIfAbsent(row.get("timestamp"), t -> new HashSet<>())
                    .add(row.get("uuid"));
        }
        List<Set<String>> scrapesSent = new ArrayList<>(uuidsByScrape.values());
        assertThat(scrapesSent).hasSizeGreaterThanOrEqualTo(2);
        assertThat(scrapesSent.get(0)).hasSize(8);
        assertThat(scrapesSent.subList(1, scrapesSent.size()))
                .allSatisfy(uuids -> assertThat(uuids).hasSize(4).isSubsetOf(scrapesSent.get(0)));
    }

    @Test
    void changesOfAJsonOrYamlFileSdFileArePickedUpAndABrokenOneKeepsTheTargets() throws Exception {
        StubIngest ingest = opened(StubIngest.recording());
        FakeExporters first = opened(FakeExporters.serving(SAMPLE.text("mtv5-dgx1-hgpu-031")));
        FakeExporters second = opened(FakeExporters.serving(SAMPLE.text("mtv5-dgx1-hgpu-001")));
        FakeExporters third = opened(FakeExporters.serving(SAMPLE.text("mtv5-dgx1-hgpu-003")));
        Path json = directory.resolve("targets.json");
        write(json, "[\n\t{\"targets\": [\"" + first.address() + "\"], \"labels\": {\"cluster\": \"mtv5\"}}\n]\n");
        ScrapeRun run = opened(new ScrapeRun(
                new ScrapeTargets(List.of(), json), ingest, Duration.ofMillis(400), Duration.ofMillis(300), 20_000));
        await("the first target scraped", () -> hosts(ingest).contains("mtv5-dgx1-hgpu-031"));

        write(
                json,
                "[{\"targets\": [\"" + first.address() + "\", \"" + second.address()
                        + "\"], \"labels\": {\"cluster\": \"mtv5\", \"rack\": \"r2\"}}]");
        await("the second target scraped", () -> hosts(ingest).contains("mtv5-dgx1-hgpu-001"));
        write(json, "[{\"targets\": [\"" + first.address());
        await("the broken file reported", () -> run.log().contains("\"scrape-targets-invalid\""));
        Thread.sleep(600);
        int before = ingest.bodies().size();
        await("scrapes go on", () -> ingest.bodies().size() > before + 1);
        run.stop();

        assertThat(run.log()).contains("\"event\":\"scrape-targets\"", "\"targets\":\"2\"");
        List<CSVRecord> second2 = ingest.sentRows().stream()
                .filter(r -> r.get("Hostname").equals("mtv5-dgx1-hgpu-001"))
                .toList();
        assertThat(second2).isNotEmpty().allSatisfy(r -> assertThat(r.get("labels_raw"))
                .contains("cluster=\"mtv5\"", "rack=\"r2\"", "instance=\"" + second.address() + "\""));

        Path yaml = directory.resolve("targets.yml");
        write(yaml, "- targets: ['" + first.address() + "']\n");
        ScrapeRun yamlRun = opened(new ScrapeRun(
                new ScrapeTargets(List.of(), yaml), ingest, Duration.ofMillis(400), Duration.ofMillis(300), 20_000));
        write(yaml, "# the fleet\n- targets:\n    - " + third.address() + "\n  labels:\n    cluster: mtv5-b\n");
        await("the YAML file's new target scraped", () -> hosts(ingest).contains("mtv5-dgx1-hgpu-003"));
        yamlRun.stop();
        assertThat(ingest.sentRows().stream()
                        .filter(r -> r.get("Hostname").equals("mtv5-dgx1-hgpu-003"))
                        .map(r -> r.get("labels_raw")))
                .allSatisfy(labels -> assertThat(labels).contains("cluster=\"mtv5-b\""));
    }

    @Test
    void whileTheServerPushesBackScrapesAreSkippedAndLoggedThenEverythingBufferedIsSent() throws Exception {
        StubIngest ingest = opened(StubIngest.recording());
        ingest.pushBack(2, 1);
        FakeExporters exporter = opened(FakeExporters.serving(SAMPLE.text("mtv5-dgx1-hgpu-031")));
        // Room for a little more than one scrape's 80 rows: the second scrape waits, the third finds no room.
        ScrapeRun run = opened(new ScrapeRun(
                new ScrapeTargets(List.of(exporter.url("/metrics")), null),
                ingest,
                Duration.ofMillis(300),
                Duration.ofMillis(250),
                100));

        await("a scrape skipped for backpressure", () -> run.log().contains("skipped: backpressure"));
        await("rows acknowledged after the pushback", () -> run.stats.rowsAcked() >= 80);
        run.stop();

        assertThat(ingest.pushedBack()).isEqualTo(2);
        assertThat(run.log())
                .contains("\"event\":\"retrying\"", "\"reason\":\"HTTP 429\",\"retryAfterSeconds\":\"1\"")
                .contains("\"event\":\"scrape-skipped\",\"target\":\"" + exporter.url("/metrics")
                        + "\",\"reason\":\"skipped: backpressure\"");
        assertThat(run.stats.scrapes().skippedCount()).isPositive();
        assertThat(run.stats.rowsAcked())
                .isEqualTo(run.stats.rowsRead())
                .isEqualTo(ingest.sentRows().size());
    }

    private static String failures(String log, String target) {
        return log.lines()
                .filter(l -> l.contains("\"event\":\"scrape-failed\",\"target\":\"" + target + "\""))
                .collect(Collectors.joining("\n"));
    }

    private static void write(Path file, String content) throws IOException {
        FileTime before = Files.exists(file) ? Files.getLastModifiedTime(file) : FileTime.fromMillis(0);
        Files.writeString(file, content);
        // Some file systems keep whole seconds: the change must show in the modification time.
        Files.setLastModifiedTime(
                file, FileTime.fromMillis(Math.max(System.currentTimeMillis(), before.toMillis() + 1_000)));
    }

    private static Set<String> hosts(StubIngest ingest) {
        return ingest.sentRows().stream().map(r -> r.get("Hostname")).collect(Collectors.toSet());
    }

    private static String withoutTime(CSVRecord row) {
        return String.join(
                "|",
                row.get("metric_name"),
                row.get("gpu_id"),
                row.get("device"),
                row.get("uuid"),
                row.get("modelName"),
                row.get("Hostname"),
                row.get("value"),
                row.get("container"),
                row.get("pod"),
                row.get("namespace"),
                row.get("labels_raw"),
                row.get("source_timestamp"));
    }

    private <T extends AutoCloseable> T opened(T resource) {
        open.add(resource);
        return resource;
    }
}
