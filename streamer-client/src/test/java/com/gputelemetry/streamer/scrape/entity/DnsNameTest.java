package com.gputelemetry.streamer.scrape.entity;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DnsNameTest {

    @Test
    void everyAddressIsATargetAtTheNamesPortWithAddressAndPortAsInstanceAsPrometheusGivesIt() throws Exception {
        DnsName name = DnsName.of("dcgm-exporter.gpu-operator.svc.cluster.local:9400");

        List<ScrapeTarget> targets =
                name.targetsAt(addresses("10.0.0.7", "fd00:0:0:0:0:0:0:1", "10.0.0.5", "10.0.0.7", "::1"));

        assertThat(name.name()).isEqualTo("dcgm-exporter.gpu-operator.svc.cluster.local");
        assertThat(targets)
                .extracting(ScrapeTarget::instance)
                .containsExactly("10.0.0.5:9400", "10.0.0.7:9400", "[::1]:9400", "[fd00::1]:9400");
        assertThat(targets.get(3).url()).isEqualTo(URI.create("http://[fd00::1]:9400/metrics"));
        assertThat(targets.get(0))
                .as("the same target as --scrape 10.0.0.5:9400, so a target given both ways is scraped once")
                .isEqualTo(ScrapeTarget.of("10.0.0.5:9400", Map.of()));
    }

    @Test
    void aUrlGivesTheSchemePortAndPath() throws Exception {
        assertThat(DnsName.of("https://exporters.example:9443/custom/metrics?collect=dcgm")
                        .targetsAt(addresses("10.0.0.5"))
                        .get(0)
                        .url())
                .isEqualTo(URI.create("https://10.0.0.5:9443/custom/metrics?collect=dcgm"));
        assertThat(DnsName.of("https://exporters.example/metrics")
                        .targetsAt(addresses("10.0.0.5"))
                        .get(0)
                        .instance())
                .isEqualTo("10.0.0.5:443");
    }

    @Test
    void aNameWithoutPortOrNotForHttpIsRefused() {
        assertThatThrownBy(() -> DnsName.of("dcgm-exporter")).hasMessageContaining("has no port");
        assertThatThrownBy(() -> DnsName.of("ftp://exporters:21")).hasMessageContaining("not http");
        assertThatThrownBy(() -> DnsName.of("")).hasMessageContaining("empty");
    }

    /** Literals only: InetAddress parses them without asking any DNS server. */
    private static List<InetAddress> addresses(String... literals) throws UnknownHostException {
        InetAddress[] addresses = new InetAddress[literals.length];
        for (int i = 0; i < literals.length; i++) {
            addresses[i] = InetAddress.getByName(literals[i]);
        }
        return List.of(addresses);
    }
}
