package com.gputelemetry.streamer.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.gputelemetry.streamer.process.FakeExporters;
import com.gputelemetry.streamer.process.SampleExposition;
import com.gputelemetry.streamer.process.StreamerJar;
import com.gputelemetry.streamer.process.StubIngest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Not a test: whether one streamer jar in a 256 MB heap keeps the schedule of a fleet's exporters, 1,000 of them at
 * 30 s and 100 at 1 s, each with 8 GPUs and 10 metrics (the sample's first host, with UUIDs of its own). The exporters
 * are a few loopback HTTP servers answering on a path each; the server is the stub that acknowledges at once. Run with
 * {@code ./mvnw -B verify -pl streamer-client -Pscrape-benchmark}; writes {@code
 * streamer-client/target/scrape-benchmark.md}.
 */
@EnabledIfSystemProperty(named = "scrape.benchmark", matches = "true", disabledReason = "a benchmark, run on demand")
class ScrapeBenchmarkIT {

    private static final int SERVERS = 4;

    @Test
    void measure() throws Exception {
        List<SampleExposition.Series> host = SampleExposition.load().byHost().values().stream()
                .filter(series -> series.size() == 80)
                .findFirst()
                .orElseThrow();
        List<FakeExporters> servers = new ArrayList<>();
        try (var stub = StubIngest.start()) {
            for (int i = 0; i < SERVERS; i++) {
                servers.add(FakeExporters.start(4));
            }
            List<String> urls = new ArrayList<>();
            for (int exporter = 0; exporter < 1_000; exporter++) {
                String body = exposition(host, exporter);
                urls.add(servers.get(exporter % SERVERS)
                        .add("/exporter-" + exporter + "/metrics", () -> FakeExporters.Answer.text(body)));
            }
            Path work = StreamerJar.workDirectory("scrape-benchmark");
            var report = new StringBuilder(String.format(
                    "One streamer (-Xmx256m) scraping fake dcgm-exporters (8 GPUs x 10 metrics each) on loopback, "
                            + "sending to a stub that acknowledges at once; %d cores:%n%n"
                            + "| targets | interval | run s | scrapes ok | on time | late | failed | skipped "
                            + "| samples/s sent | scrape p50 ms | scrape p99 ms | peak RSS MB |%n"
                            + "|---|---|---|---|---|---|---|---|---|---|---|---|%n",
                    Runtime.getRuntime().availableProcessors()));
            report.append(run(work, stub, urls, "30s", "10s", "75s"));
            report.append(run(work, stub, urls.subList(0, 100), "1s", "1s", "20s"));
            Files.writeString(Path.of("target", "scrape-benchmark.md"), report);
            System.out.println(report);
        } finally {
            servers.forEach(FakeExporters::close);
        }
    }

    private static String run(
            Path work, StubIngest stub, List<String> urls, String interval, String timeout, String duration)
            throws Exception {
        StreamerJar.Finished run = StreamerJar.start(
                        work,
                        "scrape-" + urls.size(),
                        List.of("-Xmx256m"),
                        "--url",
                        stub.url(),
                        "--scrape",
                        String.join(",", urls),
                        "--scrape-interval",
                        interval,
                        "--scrape-timeout",
                        timeout,
                        "--duration",
                        duration)
                .awaitExit(Duration.ofMinutes(5));
        assertThat(run.exitCode()).as("streamer exit; %s", run.stderr()).isZero();
        assertThat(run.rowsAcked()).as("every row read was acknowledged").isEqualTo(run.rowsRead());
        String summary = run.stdout().get(run.stdout().size() - 1);
        long ok = figure(summary, "scrapesOk");
        long late = figure(summary, "scrapesLate");
        assertThat(ok).as("scrapes made").isPositive();
        return String.format(
                Locale.ROOT,
                "| %,d | %s | %.1f | %,d | %,d | %,d | %,d | %,d | %,.0f | %d | %d | %d |%n",
                urls.size(),
                interval,
                run.seconds(),
                ok,
                ok - late,
                late,
                figure(summary, "scrapesFailed"),
                figure(summary, "scrapesSkipped"),
                run.rowsAcked() / run.seconds(),
                figure(summary, "scrapeMillisP50"),
                figure(summary, "scrapeMillisP99"),
                run.peakResidentMb());
    }

    /** The sample host's 80 series as exporter {@code n} serves them: its own UUIDs and host name. */
    private static String exposition(List<SampleExposition.Series> host, int n) {
        List<SampleExposition.Series> own = new ArrayList<>();
        for (SampleExposition.Series series : host) {
            var labels = new java.util.LinkedHashMap<>(series.labels());
            labels.put("UUID", String.format("GPU-%08d-0000-0000-0000-%012d", n, Integer.parseInt(labels.get("gpu"))));
            labels.put("Hostname", String.format("bench-node-%04d", n));
            own.add(new SampleExposition.Series(series.metric(), labels, series.value()));
        }
        return SampleExposition.render(own);
    }

    private static long figure(String summary, String name) {
        Matcher figure = Pattern.compile("\"" + name + "\":(\\d+)").matcher(summary);
        assertThat(figure.find()).as("%s in %s", name, summary).isTrue();
        return Long.parseLong(figure.group(1));
    }
}
