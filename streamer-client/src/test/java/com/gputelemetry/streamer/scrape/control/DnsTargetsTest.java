package com.gputelemetry.streamer.scrape.control;

import static com.gputelemetry.streamer.scrape.control.ScrapeRun.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.gputelemetry.streamer.process.FakeExporters;
import com.gputelemetry.streamer.process.SampleExposition;
import com.gputelemetry.streamer.process.StubIngest;
import com.gputelemetry.streamer.scrape.entity.ScrapeTarget;
import com.gputelemetry.streamer.scrape.entity.TargetHealth;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Targets behind DNS names, scraped end to end in this JVM: a name whose answer the test changes between intervals,
 * and {@code localhost} looked up for real.
 */
class DnsTargetsTest {

    private static final SampleExposition SAMPLE = SampleExposition.load();
    private static final Duration INTERVAL = Duration.ofMillis(300);

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
    void theTargetsFollowTheAnswersAndANameThatStopsResolvingKeepsItsLastOnes() throws Exception {
        StubIngest ingest = opened(StubIngest.recording());
        FakeExporters exporter = opened(FakeExporters.serving(SAMPLE.text("mtv5-dgx1-hgpu-031")));
        String up = "127.0.0.1:" + exporter.port();
        // Nothing listens there: a node whose exporter is not up yet.
        String notListening = "127.0.0.2:" + exporter.port();
        var answer = new AtomicReference<>(List.of("127.0.0.1"));
        DnsTargets.Resolver dns = name -> {
            List<String> literals = answer.get();
            if (literals.isEmpty()) {
                throw new UnknownHostException(name + ": Name or service not known");
            }
            InetAddress[] addresses = new InetAddress[literals.size()];
            for (int i = 0; i < addresses.length; i++) {
                addresses[i] = InetAddress.getByName(literals.get(i));
            }
            return addresses;
        };
        ScrapeRun run = opened(new ScrapeRun(
                new ScrapeTargets(List.of(), null, new DnsTargets(List.of("exporters.test:" + exporter.port()), dns)),
                ingest,
                INTERVAL,
                Duration.ofMillis(200),
                20_000));

        await(
                "the one address scraped twice",
                () -> instances(run).equals(Set.of(up))
                        && exporter.arrivals("/metrics").size() >= 2);
        TargetHealth firstHealth = health(run, up);

        answer.set(List.of("127.0.0.2", "127.0.0.1"));
        await("a second address added", () -> instances(run).equals(Set.of(up, notListening)));
        await("the new target tried", () -> run.log()
                .contains("\"scrape-failed\",\"target\":\"http://" + notListening));
        assertThat(health(run, up))
                .as("the first target keeps its slot and health")
                .isSameAs(firstHealth);
        int scrapesBefore = exporter.arrivals("/metrics").size();
        await(
                "the first target still scraped",
                () -> exporter.arrivals("/metrics").size() >= scrapesBefore + 2);

        answer.set(List.of("127.0.0.2"));
        await("the first address dropped", () -> instances(run).equals(Set.of(notListening)));
        int scrapesWhenDropped = exporter.arrivals("/metrics").size();
        Thread.sleep(INTERVAL.multipliedBy(3).toMillis());
        assertThat(exporter.arrivals("/metrics").size())
                .as("no more scrapes of a dropped target (one may have been under way)")
                .isLessThanOrEqualTo(scrapesWhenDropped + 1);

        answer.set(List.of());
        await("the failed lookup logged", () -> run.log().contains("\"scrape-dns-failed\""));
        Thread.sleep(INTERVAL.multipliedBy(3).toMillis());
        assertThat(instances(run)).as("the last addresses kept").isEqualTo(Set.of(notListening));
        assertThat(run.log().split("\"scrape-dns-failed\"", -1))
                .as("logged once, not at every interval")
                .hasSize(2);
        assertThat(run.log()).contains("exporters.test: Name or service not known", "\"kept\":\"1\"");

        answer.set(List.of("127.0.0.1"));
        await("resolving again", () -> instances(run).equals(Set.of(up)));
        int scrapesBack = exporter.arrivals("/metrics").size();
        await("scraped again", () -> exporter.arrivals("/metrics").size() > scrapesBack);
        run.stop();

        assertThat(run.log())
                .contains("\"event\":\"scrape-dns\"", "\"targets\":\"2\",\"added\":\"1\",\"removed\":\"0\"");
        assertThat(ingest.sentRows()).isNotEmpty().allSatisfy(row -> assertThat(row.get("labels_raw"))
                .contains("instance=\"" + up + "\""));
    }

    @Test
    void localhostResolvedForRealIsScrapedBesideTheUrlsAndTheFileGiven() throws Exception {
        StubIngest ingest = opened(StubIngest.recording());
        FakeExporters byName = opened(FakeExporters.serving(SAMPLE.text("mtv5-dgx1-hgpu-031")));
        FakeExporters byUrl = opened(FakeExporters.serving(SAMPLE.text("mtv5-dgx1-hgpu-001")));
        FakeExporters byFile = opened(FakeExporters.serving(SAMPLE.text("mtv5-dgx1-hgpu-003")));
        Path file = Files.writeString(directory.resolve("targets.yml"), "- targets: ['" + byFile.address() + "']\n");
        ScrapeRun run = opened(new ScrapeRun(
                new ScrapeTargets(
                        List.of(byUrl.url("/metrics")),
                        file,
                        new DnsTargets(List.of("localhost:" + byName.port()), InetAddress::getAllByName)),
                ingest,
                Duration.ofMillis(400),
                Duration.ofMillis(300),
                20_000));

        await("every exporter scraped", () -> hosts(ingest)
                .containsAll(Set.of("mtv5-dgx1-hgpu-031", "mtv5-dgx1-hgpu-001", "mtv5-dgx1-hgpu-003")));
        run.stop();

        // localhost may have an IPv6 address too, where nothing listens: only its IPv4 one is sure to answer.
        assertThat(ingest.sentRows().stream().filter(row -> row.get("Hostname").equals("mtv5-dgx1-hgpu-031")))
                .isNotEmpty()
                .allSatisfy(row ->
                        assertThat(row.get("labels_raw")).contains("instance=\"127.0.0.1:" + byName.port() + "\""));
        assertThat(run.log()).contains("\"event\":\"scrape-dns\",\"name\":\"http://localhost:" + byName.port());
    }

    private static Set<String> instances(ScrapeRun run) {
        return run.streamer.health().keySet().stream()
                .map(ScrapeTarget::instance)
                .collect(Collectors.toSet());
    }

    private static TargetHealth health(ScrapeRun run, String instance) {
        return run.streamer.health().entrySet().stream()
                .filter(entry -> entry.getKey().instance().equals(instance))
                .map(Map.Entry::getValue)
                .findFirst()
                .orElseThrow();
    }

    private static Set<String> hosts(StubIngest ingest) {
        return ingest.sentRows().stream().map(row -> row.get("Hostname")).collect(Collectors.toSet());
    }

    private <T extends AutoCloseable> T opened(T resource) {
        open.add(resource);
        return resource;
    }
}
