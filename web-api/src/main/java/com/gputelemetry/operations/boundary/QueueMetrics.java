package com.gputelemetry.operations.boundary;

import com.gputelemetry.collector.boundary.CollectorStartup;
import com.gputelemetry.ingest.control.Pushbacks;
import com.gputelemetry.prometheus.control.RemoteWriteCounters;
import com.gputelemetry.prometheus.entity.SkipReason;
import com.gputelemetry.queue.boundary.MessageQueue;
import com.gputelemetry.queue.control.GroupStatus;
import com.gputelemetry.queue.control.QueueStatistics;
import com.gputelemetry.telemetry.entity.TelemetryRow;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.function.Supplier;
import java.util.function.ToLongFunction;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/** The queue figures of {@code /api/v1/queue} as MicroProfile Metrics gauges, for Prometheus at {@code /metrics}. */
@ApplicationScoped
public class QueueMetrics {

    @Inject
    MetricRegistry registry;

    @EJB
    MessageQueue queue;

    @EJB
    QueueStatistics statistics;

    @Inject
    Pushbacks pushbacks;

    @Inject
    RemoteWriteCounters remoteWrite;

    void register(@Observes @Initialized(ApplicationScoped.class) Object applicationStarted) {
        String topic = TelemetryRow.TOPIC;
        String group = CollectorStartup.GROUP;
        Tag[] groupTags = {new Tag("group", group), new Tag("topic", topic)};
        gauge(
                "queue_records",
                "Records the log of the topic holds now",
                () -> statistics.topics().stream()
                        .filter(t -> t.topic().equals(topic))
                        .mapToLong(QueueStatistics.TopicStats::records)
                        .sum(),
                new Tag("topic", topic));
        gauge(
                "queue_lag",
                "Records the group has yet to process, over all partitions",
                () -> statistics.groups().stream()
                        .filter(g -> g.group().equals(group) && g.topic().equals(topic))
                        .mapToLong(QueueStatistics.GroupProgress::lag)
                        .sum(),
                groupTags);
        gauge(
                "queue_dead_letters",
                "Records the group gave up on",
                () -> statistics.groups().stream()
                        .filter(g -> g.group().equals(group) && g.topic().equals(topic))
                        .mapToLong(QueueStatistics.GroupProgress::deadLetters)
                        .sum(),
                groupTags);
        gauge(
                "queue_delivered",
                "Records this server's workers delivered",
                () -> local(group, topic, GroupStatus::delivered),
                groupTags);
        gauge(
                "queue_redeliveries",
                "Deliveries this server's workers retried",
                () -> local(group, topic, GroupStatus::redeliveries),
                groupTags);
        gauge(
                "queue_workers",
                "The group's workers on this server",
                () -> local(group, topic, GroupStatus::workers),
                groupTags);
        gauge(
                "ingest_pushed_back",
                "Batches this server refused with 429 because a group lagged too far behind",
                pushbacks::refused);
        gauge(
                "ingest_retried_early",
                "Refused batches whose producer came back before the Retry-After had passed",
                pushbacks::early);
        gauge(
                "prometheus_write_requests",
                "Remote-write requests this server took (their GPU samples stored), duplicates not counted",
                remoteWrite::requests);
        gauge(
                "prometheus_write_duplicates",
                "Remote-write requests that came again after they were stored, acknowledged without storing",
                remoteWrite::duplicates);
        gauge(
                "prometheus_write_invalid",
                "Remote-write requests refused with 400: not snappy, not protobuf, labels without names",
                remoteWrite::invalid);
        gauge("prometheus_write_samples", "Remote-written samples stored", remoteWrite::samples);
        for (SkipReason reason : SkipReason.values()) {
            gauge(
                    "prometheus_write_samples_skipped",
                    "Remote-written samples not stored, by reason",
                    () -> remoteWrite.skipped(reason),
                    new Tag("reason", reason.metricTag()));
        }
    }

    private void gauge(String name, String description, Supplier<Long> value, Tag... tags) {
        registry.gauge(
                Metadata.builder().withName(name).withDescription(description).build(), value, tags);
    }

    private long local(String group, String topic, ToLongFunction<GroupStatus> figure) {
        return queue.groups().stream()
                .filter(g -> g.group().equals(group) && g.topic().equals(topic))
                .mapToLong(figure)
                .sum();
    }
}
