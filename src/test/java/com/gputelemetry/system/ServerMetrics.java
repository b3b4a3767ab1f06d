package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The server's own metrics as Prometheus scrapes them at {@code /metrics}. */
record ServerMetrics(String text) {

    /** Every metric the README lists; each must be there with a value. */
    static final List<String> DOCUMENTED = List.of(
            "queue_records",
            "queue_lag",
            "queue_dead_letters",
            "queue_delivered",
            "queue_redeliveries",
            "queue_workers",
            "ingest_pushed_back",
            "ingest_retried_early");

    static ServerMetrics scrape(RunningServer server) throws Exception {
        var response = Http.get(server, "/metrics");
        assertThat(response.statusCode()).as("/metrics: %s", response.body()).isEqualTo(200);
        return new ServerMetrics(response.body());
    }

    /** The value of one metric, whatever tags the server gives it; fails when the server has no such metric. */
    long value(String name) {
        Matcher value =
                Pattern.compile("(?m)^" + name + "(\\{[^}]*})? ([0-9.eE+-]+)$").matcher(text);
        assertThat(value.find()).as("%s in%n%s", name, text).isTrue();
        return (long) Double.parseDouble(value.group(2));
    }

    /** The value of one metric with the tag given, among its others. */
    long value(String name, String tag, String tagValue) {
        Matcher value = Pattern.compile("(?m)^" + name + "\\{[^}]*\\b" + tag + "=\"" + Pattern.quote(tagValue)
                        + "\"[^}]*} ([0-9.eE+-]+)$")
                .matcher(text);
        assertThat(value.find())
                .as("%s{%s=\"%s\"} in%n%s", name, tag, tagValue, text)
                .isTrue();
        return (long) Double.parseDouble(value.group(1));
    }

    /**
     * Waits until every documented metric agrees with the queue's own figures at {@code /api/v1/queue}, on a server
     * whose collectors have stored everything, never failed a delivery, were never resized (their counters start
     * again then) and are the only ones on the database since it was created: then everything ever appended was
     * delivered here once, and nothing was pushed back.
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
        expected.put("queue_delivered", appended);
        expected.put("queue_redeliveries", 0L);
        expected.put("queue_workers", (long) collectors.workers());
        expected.put("ingest_pushed_back", 0L);
        expected.put("ingest_retried_early", 0L);
        assertThat(expected.keySet())
                .as("a value expected of every documented metric")
                .containsExactlyElementsOf(DOCUMENTED);
        List<String> wrong = new ArrayList<>();
        expected.forEach((name, value) -> {
            long actual = metrics.value(name);
            if (actual != value) {
                wrong.add(name + " = " + actual + ", expected " + value);
            }
        });
        return wrong;
    }
}
