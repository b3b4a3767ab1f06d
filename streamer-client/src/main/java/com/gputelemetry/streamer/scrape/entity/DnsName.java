package com.gputelemetry.streamer.scrape.entity;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A DNS name each of whose addresses is an exporter, as a Prometheus {@code dns_sd_configs} entry of type A/AAAA: every
 * address is scraped with the name's scheme, port and path, and its {@code instance} is address:port.
 */
public record DnsName(String name, URI template) {

    /**
     * @param text {@code NAME:PORT} (scraped over http at {@code /metrics}) or a URL whose host is the name, for
     *     another scheme or path
     * @throws IllegalArgumentException when it is no usable name and port, saying why
     */
    public static DnsName of(String text) {
        ScrapeTarget parsed = ScrapeTarget.of(text, Map.of());
        // A bare name would mean port 80: never an exporter's, so more likely a forgotten port than a choice.
        if (!text.contains("://") && parsed.url().getPort() == -1) {
            throw new IllegalArgumentException(
                    "DNS name '" + text.strip() + "' has no port, as in dcgm-exporter.gpu-operator:9400");
        }
        return new DnsName(parsed.host(), parsed.url());
    }

    /** One target per address, in the order of their text, so that the same answer always gives the same list. */
    public List<ScrapeTarget> targetsAt(Collection<InetAddress> addresses) {
        String rest = ":" + ScrapeTarget.port(template) + template.getRawPath()
                + (template.getRawQuery() == null ? "" : "?" + template.getRawQuery());
        return addresses.stream()
                .map(DnsName::literal)
                .distinct()
                .sorted(Comparator.naturalOrder())
                .map(host -> ScrapeTarget.of(template.getScheme() + "://" + host + rest, Map.of()))
                .toList();
    }

    /** IPv6 in RFC 5952's short form ({@code [fd00::1]}) as Prometheus writes it; Java writes every group. */
    private static String literal(InetAddress address) {
        if (!(address instanceof Inet6Address)) {
            return address.getHostAddress();
        }
        byte[] bytes = address.getAddress();
        int[] groups = new int[8];
        for (int i = 0; i < 8; i++) {
            groups[i] = (bytes[2 * i] & 0xff) << 8 | bytes[2 * i + 1] & 0xff;
        }
        int zerosStart = -1;
        int zeros = 1;
        for (int i = 0; i < 8; i++) {
            int end = i;
            while (end < 8 && groups[end] == 0) {
                end++;
            }
            if (end - i > zeros) {
                zerosStart = i;
                zeros = end - i;
            }
        }
        var text = new StringBuilder("[");
        for (int i = 0; i < 8; i++) {
            if (i == zerosStart) {
                text.append("::");
                i += zeros - 1;
            } else {
                if (text.length() > 1 && text.charAt(text.length() - 1) != ':') {
                    text.append(':');
                }
                text.append(Integer.toHexString(groups[i]));
            }
        }
        return text.append(']').toString();
    }

    @Override
    public String toString() {
        return template.toString();
    }
}
