package com.gputelemetry.streamer.scrape.entity;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Map;
import java.util.TreeMap;

/**
 * An exporter to scrape: its URL, the {@code instance} label Prometheus would give it (host:port), and the labels of
 * its {@code file_sd} group. Two targets are the same when all three are.
 */
public record ScrapeTarget(URI url, String instance, Map<String, String> labels) {

    private static final String DEFAULT_PATH = "/metrics";

    /**
     * @param address {@code host:port} as in {@code file_sd} (scraped over http at {@code /metrics}) or a full URL
     * @param labels the group's labels; those starting with {@code __} are Prometheus' internal ones and are dropped
     * @throws IllegalArgumentException when the address is no usable http(s) URL
     */
    public static ScrapeTarget of(String address, Map<String, String> labels) {
        String text = address.strip();
        if (text.isEmpty()) {
            throw new IllegalArgumentException("an empty target address");
        }
        URI url;
        try {
            url = new URI(text.contains("://") ? text : "http://" + text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("target '" + address + "' is no URL: " + e.getReason());
        }
        String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase();
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new IllegalArgumentException("target '" + address + "' is not http or https");
        }
        if (url.getHost() == null) {
            throw new IllegalArgumentException("target '" + address + "' names no host");
        }
        if (url.getRawPath() == null || url.getRawPath().isEmpty()) {
            url = url.resolve(DEFAULT_PATH);
        }
        var kept = new TreeMap<String, String>();
        labels.forEach((name, value) -> {
            if (!name.startsWith("__")) {
                kept.put(name, value);
            }
        });
        return new ScrapeTarget(url, url.getHost() + ":" + port(url), Map.copyOf(kept));
    }

    /** The port the URL names, or its scheme's. */
    static int port(URI url) {
        return url.getPort() != -1 ? url.getPort() : url.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /** The host name, the GPU rows' host when the exporter does not name one. */
    public String host() {
        return url.getHost();
    }

    @Override
    public String toString() {
        return url.toString();
    }
}
