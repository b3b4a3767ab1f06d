package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The application's own metrics as Prometheus scrapes them at {@code /prometheus/metrics}, in the text format. */
record ServerMetrics(String text) {

    static final String PATH = "/prometheus/metrics";

    /** Every metric the documentation lists; each must be there with a value. */
    static final List<String> DOCUMENTED = List.of(
            "queue_records",
            "queue_lag",
            "queue_dead_letters",
            "queue_workers",
            "queue_delivered_total",
            "queue_redeliveries_total",
            "live_subscribers",
            "ingest_pushed_back_total",
            "ingest_retried_early_total",
            "ingest_batches_total",
            "ingest_rows_accepted_total",
            "ingest_rows_rejected_total",
            "ingest_bytes_total",
            "ingest_acknowledgement_seconds_count",
            "remote_write_invalid_total",
            "remote_write_samples_skipped_total",
            "telemetry_rollups_built_until_seconds",
            "telemetry_rollup_stale_buckets",
            "telemetry_compacted_until_seconds");

    private static final Pattern SAMPLE =
            Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})? ([^ ]+)(?: [0-9]+)?$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    static ServerMetrics scrape(RunningServer server) throws Exception {
        var response = Http.get(server, PATH);
        assertThat(response.statusCode()).as("%s: %s", PATH, response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type").orElse(""))
                .as("the text format Prometheus reads")
                .startsWith("text/plain; version=0.0.4");
        return new ServerMetrics(response.body());
    }

    /**
     * The sum of a metric's series that carry the labels given (name, value, name, value…); fails when the server has
     * no series of that name at all.
     */
    long value(String name, String... labels) {
        Map<String, String> wanted = new HashMap<>();
        for (int i = 0; i < labels.length; i += 2) {
            wanted.put(labels[i], labels[i + 1]);
        }
        boolean named = false;
        double sum = 0;
        Matcher sample = SAMPLE.matcher(text);
        while (sample.find()) {
            if (!sample.group(1).equals(name)) {
                continue;
            }
            named = true;
            if (labels(sample.group(2)).entrySet().containsAll(wanted.entrySet())) {
                sum += Double.parseDouble(sample.group(3));
            }
        }
        assertThat(named).as("%s in%n%s", name, text).isTrue();
        return (long) sum;
    }

    private static Map<String, String> labels(String text) {
        Map<String, String> labels = new HashMap<>();
        if (text != null) {
            Matcher label = LABEL.matcher(text);
            while (label.find()) {
                labels.put(label.group(1), label.group(2));
            }
        }
        return labels;
    }

    /**
     * Waits until every documented metric agrees with the queue's own figures at {@code /api/v1/queue}, on a server
     * whose collectors have stored everything, never failed a delivery and are the only ones on the database since it
     * was created: then everything ever appended was delivered here once, and nothing was pushed back. The figures of
     * rows and bytes, which depend on what a test sent, must be there; the tests that know them check their values.
     */
    static void assertAgreeWithTheQueueOfALoneServer(RunningServer server) throws Exception {
        Poll.until(
                "the metrics agreeing with the queue (disagreements)",
                Duration.ofSeconds(30),
                Duration.ofMillis(500),
                () -> disagreements(server),
                List::isEmpty);
    }

    private static List<String> disagreements(RunningServer server) throws Exception {
        ServerMetrics metrics = scrape(server);
        QueueProgress.Group collectors = QueueProgress.collectors(server);
        List<QueueProgress.TopicPartition> partitions = QueueProgress.telemetryPartitions(server);
        long held = partitions.stream()
                .mapToLong(QueueProgress.TopicPartition::records)
                .sum();
        long appended = partitions.stream()
                .mapToLong(QueueProgress.TopicPartition::headOffset)
                .sum();
        Map<String, Long> expected = new LinkedHashMap<>();
        expected.put("queue_records", held);
        expected.put("queue_lag", 0L);
        expected.put("queue_dead_letters", 0L);
        expected.put("queue_workers", (long) collectors.workers());
        expected.put("queue_delivered_total", appended);
        expected.put("queue_redeliveries_total", 0L);
        expected.put("ingest_pushed_back_total", 0L);
        expected.put("ingest_retried_early_total", 0L);
        expected.put("ingest_batches_total", metrics.value("ingest_acknowledgement_seconds_count"));
        expected.put("remote_write_invalid_total", 0L);
        expected.put("remote_write_samples_skipped_total", 0L);
        List<String> present = List.of(
                "ingest_rows_accepted_total",
                "ingest_rows_rejected_total",
                "ingest_bytes_total",
                "ingest_acknowledgement_seconds_count",
                // LiveDashboardSystemIT counts the dashboard's streams by it.
                "live_subscribers",
                // Follow the clock; CrashRecoverySystemTest and RollupSummaryIT wait on them.
                "telemetry_rollups_built_until_seconds",
                "telemetry_rollup_stale_buckets",
                "telemetry_compacted_until_seconds");
        List<String> checked = new ArrayList<>(expected.keySet());
        checked.addAll(present);
        assertThat(checked).as("every documented metric checked").containsExactlyInAnyOrderElementsOf(DOCUMENTED);
        List<String> wrong = new ArrayList<>();
        expected.forEach((name, value) -> {
            long actual = metrics.value(name);
            if (actual != value) {
                wrong.add(name + " = " + actual + ", expected " + value);
            }
        });
        present.forEach(metrics::value);
        return wrong;
    }
}
