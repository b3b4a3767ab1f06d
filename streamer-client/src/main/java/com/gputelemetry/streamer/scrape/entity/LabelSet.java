package com.gputelemetry.streamer.scrape.entity;

import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A series' labels as Prometheus would store them after a scrape: the exporter's, then the target's and {@code
 * instance} where the exporter did not set them, and {@code __name__}. Written as the sample CSV's {@code labels_raw}:
 * {@code name="value"} pairs sorted by name, values escaped as in the exposition format.
 */
public final class LabelSet {

    private final SortedMap<String, String> labels;

    private LabelSet(SortedMap<String, String> labels) {
        this.labels = labels;
    }

    public static LabelSet of(Sample sample, ScrapeTarget target) {
        var labels = new TreeMap<>(sample.labels());
        target.labels().forEach(labels::putIfAbsent);
        labels.putIfAbsent("instance", target.instance());
        labels.put("__name__", sample.name());
        return new LabelSet(labels);
    }

    public Map<String, String> asMap() {
        return labels;
    }

    @Override
    public String toString() {
        var out = new StringBuilder(labels.size() * 32);
        labels.forEach((name, value) -> {
            if (out.length() > 0) {
                out.append(',');
            }
            out.append(name).append("=\"");
            for (int i = 0; i < value.length(); i++) {
                char c = value.charAt(i);
                switch (c) {
                    case '\\' -> out.append("\\\\");
                    case '"' -> out.append("\\\"");
                    case '\n' -> out.append("\\n");
                    default -> out.append(c);
                }
            }
            out.append('"');
        });
        return out.toString();
    }
}
