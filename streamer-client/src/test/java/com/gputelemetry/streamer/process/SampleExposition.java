package com.gputelemetry.streamer.process;

import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The bundled sample scrape turned back into what dcgm-exporter served: per host, the exposition text with {@code #
 * HELP}/{@code # TYPE} lines and the exporter's own labels (the sample's {@code labels_raw} without what Prometheus
 * added: {@code __name__}, {@code instance}, {@code job}), in dcgm-exporter's label order.
 */
public final class SampleExposition {

    private static final Pattern LABEL = Pattern.compile("(\\w+)=\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final List<String> EXPORTER_ORDER = List.of("gpu", "UUID", "device", "modelName", "Hostname");

    /** One series of the sample as dcgm-exporter wrote it. */
    public record Series(String metric, Map<String, String> labels, String value) {

        public String line() {
            var out = new StringBuilder(metric).append('{');
            labels.forEach((name, value) -> {
                if (out.charAt(out.length() - 1) != '{') {
                    out.append(',');
                }
                out.append(name).append("=\"").append(value).append('"');
            });
            return out.append("} ").append(value).toString();
        }
    }

    private final Map<String, List<Series>> byHost = new LinkedHashMap<>();

    private SampleExposition() {}

    public static SampleExposition load() {
        var exposition = new SampleExposition();
        try (Reader in = new InputStreamReader(
                Objects.requireNonNull(SampleExposition.class.getClassLoader().getResourceAsStream("dcgm-sample.csv")),
                StandardCharsets.UTF_8)) {
            for (CSVRecord record : CSVFormat.DEFAULT
                    .builder()
                    .setHeader()
                    .setSkipHeaderRecord(true)
                    .get()
                    .parse(in)) {
                Map<String, String> all = new LinkedHashMap<>();
                Matcher label = LABEL.matcher(record.get("labels_raw"));
                while (label.find()) {
                    all.put(label.group(1), label.group(2));
                }
                Map<String, String> labels = new LinkedHashMap<>();
                for (String name : EXPORTER_ORDER) {
                    labels.put(name, all.remove(name));
                }
                all.remove("__name__");
                all.remove("instance");
                all.remove("job");
                labels.putAll(all);
                exposition
                        .byHost
                        .computeIfAbsent(record.get("Hostname"), host -> new ArrayList<>())
                        .add(new Series(record.get("metric_name"), labels, record.get("value")));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return exposition;
    }

    public Map<String, List<Series>> byHost() {
        return byHost;
    }

    /** A host's exposition in the text format 0.0.4, metrics in the sample's order. */
    public String text(String host) {
        return render(byHost.get(host));
    }

    public static String render(List<Series> series) {
        var out = new StringBuilder();
        String metric = null;
        for (Series one : series) {
            if (!one.metric().equals(metric)) {
                metric = one.metric();
                out.append("# HELP ")
                        .append(metric)
                        .append(" ")
                        .append(metric.substring(7).toLowerCase())
                        .append(" (from DCGM).\n");
                out.append("# TYPE ").append(metric).append(" gauge\n");
            }
            out.append(one.line()).append('\n');
        }
        return out.toString();
    }
}
