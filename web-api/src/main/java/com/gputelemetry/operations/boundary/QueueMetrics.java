package com.gputelemetry.operations.boundary;

import com.gputelemetry.collector.boundary.CollectorStartup;
import com.gputelemetry.ingest.control.Pushbacks;
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
