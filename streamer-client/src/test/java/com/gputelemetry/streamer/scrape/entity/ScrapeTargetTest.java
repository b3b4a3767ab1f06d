package com.gputelemetry.streamer.scrape.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ScrapeTargetTest {

    @Test
    void aHostAndPortIsScrapedOverHttpAtMetrics() {
        ScrapeTarget target = ScrapeTarget.of("node-7:9400", Map.of("rack", "r2", "__meta_dc", "x"));

        assertThat(target.url()).isEqualTo(URI.create("http://node-7:9400/metrics"));
        assertThat(target.instance()).isEqualTo("node-7:9400");
        assertThat(target.labels()).isEqualTo(Map.of("rack", "r2"));
        assertThat(ScrapeTarget.of("https://node-8/custom/path", Map.of()).instance())
                .isEqualTo("node-8:443");
        assertThat(ScrapeTarget.of("https://node-8/custom/path", Map.of()).url().getPath())
                .isEqualTo("/custom/path");
    }

    @Test
    void anAddressThatIsNoHttpUrlIsRefused() {
        assertThatThrownBy(() -> ScrapeTarget.of("ftp://node:21", Map.of())).hasMessageContaining("not http");
        assertThatThrownBy(() -> ScrapeTarget.of(" ", Map.of())).hasMessageContaining("empty");
        assertThatThrownBy(() -> ScrapeTarget.of("node 7:9400", Map.of())).hasMessageContaining("no URL");
    }

    @Test
    void theLabelSetKeepsTheExportersLabelsOverTheTargetsSortedAndEscaped() {
        ScrapeTarget target =
                ScrapeTarget.of("node-7:9400", Map.of("rack", "r2", "Hostname", "from-the-file", "job", "dcgm"));
        var labels = new TreeMap<>(Map.of("Hostname", "node-7", "UUID", "GPU-1", "note", "a\\b \"c\"\nd"));
        var sample = new Sample("DCGM_FI_DEV_GPU_TEMP", labels, "40", Optional.empty(), 3);

        assertThat(LabelSet.of(sample, target).toString())
                .isEqualTo("Hostname=\"node-7\",UUID=\"GPU-1\",__name__=\"DCGM_FI_DEV_GPU_TEMP\","
                        + "instance=\"node-7:9400\",job=\"dcgm\",note=\"a\\\\b \\\"c\\\"\\nd\",rack=\"r2\"");
        labels.put("instance", "set-by-the-exporter");
        assertThat(LabelSet.of(sample, target).asMap()).containsEntry("instance", "set-by-the-exporter");
    }
}
