package com.gputelemetry.operations.control;

import com.gputelemetry.ingest.control.IngestFigures;
import com.gputelemetry.ingest.control.Pushbacks;
import com.gputelemetry.live.control.LiveFeed;
import com.gputelemetry.prometheus.control.RemoteWriteCounters;
import com.gputelemetry.queue.boundary.MessageQueue;
import com.gputelemetry.queue.control.GroupStatus;
import com.gputelemetry.queue.control.QueueStatistics;
import com.gputelemetry.rollup.control.Summaries;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * The application's own metrics, in a registry of Prometheus' client library that the application carries itself, so
 * that every server (Payara Micro, Payara Server, WildFly, which has no MicroProfile Metrics) exposes the same names
 * in the same format. Queue figures are read when scraped; ingest figures are counted as batches come.
 */
@ApplicationScoped
public class OwnMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();

    @EJB
    MessageQueue queue;

    @EJB
    QueueStatistics statistics;

    @EJB
    Summaries rollups;

    @Inject
    Pushbacks pushbacks;

    @Inject
    IngestFigures ingest;

    @Inject
    RemoteWriteCounters remoteWrite;

    @Inject
    LiveFeed live;

    @PostConstruct
    void register() {
        registry.register(GaugeWithCallback.builder()
                .name("queue_records")
                .help("Records the topic's log holds now, over all partitions")
                .labelNames("topic")
                .callback(
                        callback -> statistics.topics().forEach(topic -> callback.call(topic.records(), topic.topic())))
                .build());
        // Both from one reading of the groups' progress, which queries the database.
        registry.register((MultiCollector) () -> {
            List<QueueStatistics.GroupProgress> groups = statistics.groups();
            return MetricSnapshots.of(
                    groupGauge(
                            "queue_lag",
                            "Records the group has yet to process, over all partitions",
                            groups,
                            QueueStatistics.GroupProgress::lag),
                    groupGauge(
                            "queue_dead_letters",
                            "Records the group gave up on, held for replay",
                            groups,
                            QueueStatistics.GroupProgress::deadLetters));
        });
        registry.register(GaugeWithCallback.builder()
                .name("queue_workers")
                .help("The group's workers on this server")
                .labelNames("group", "topic")
                .callback(callback -> local(GroupStatus::workers, callback::call))
                .build());
        registry.register(GaugeWithCallback.builder()
                .name("live_subscribers")
                .help("SSE streams and GraphQL subscriptions this server pushes to (at most LIVE_MAX_SUBSCRIBERS)")
                .callback(callback -> callback.call(live.subscribers()))
                .build());
        registry.register(CounterWithCallback.builder()
                .name("queue_delivered_total")
                .help("Records this server's workers delivered")
                .labelNames("group", "topic")
                .callback(callback -> local(GroupStatus::delivered, callback::call))
                .build());
        registry.register(CounterWithCallback.builder()
                .name("queue_redeliveries_total")
                .help("Deliveries this server's workers retried")
                .labelNames("group", "topic")
                .callback(callback -> local(GroupStatus::redeliveries, callback::call))
                .build());
        registry.register(CounterWithCallback.builder()
                .name("ingest_pushed_back_total")
                .help("Batches this server refused with 429 because a group lagged too far behind")
                .callback(callback -> callback.call(pushbacks.refused()))
                .build());
        registry.register(CounterWithCallback.builder()
                .name("ingest_retried_early_total")
                .help("Refused batches whose producer came back before the Retry-After had passed")
                .callback(callback -> callback.call(pushbacks.early()))
                .build());
        registry.register((MultiCollector) () -> {
            Summaries.Status status = rollups.status();
            return MetricSnapshots.of(
                    gauge(
                            "telemetry_rollups_built_until_seconds",
                            "The time before which the rollups hold every stored point (but the stale hours')",
                            status.builtMicros() / 1e6),
                    gauge(
                            "telemetry_rollup_stale_buckets",
                            "Hours of a series whose rollups late points made stale, waiting to be recomputed",
                            status.staleHours()),
                    gauge(
                            "telemetry_compacted_until_seconds",
                            "The time before which points are packed into blocks (but late ones)",
                            status.compactedMicros() / 1e6));
        });
        ingest.registerWith(registry);
        remoteWrite.registerWith(registry);
    }

    private static GaugeSnapshot gauge(String name, String help, double value) {
        return GaugeSnapshot.builder()
                .name(name)
                .help(help)
                .dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                        .value(value)
                        .build())
                .build();
    }

    public PrometheusRegistry registry() {
        return registry;
    }

    private static GaugeSnapshot groupGauge(
            String name,
            String help,
            List<QueueStatistics.GroupProgress> groups,
            ToLongFunction<QueueStatistics.GroupProgress> figure) {
        GaugeSnapshot.Builder gauge = GaugeSnapshot.builder().name(name).help(help);
        for (QueueStatistics.GroupProgress group : groups) {
            gauge.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                    .value(figure.applyAsLong(group))
                    .labels(Labels.of("group", group.group(), "topic", group.topic()))
                    .build());
        }
        return gauge.build();
    }

    private interface LabelledValue {
        void call(double value, String... labelValues);
    }

    private void local(ToLongFunction<GroupStatus> figure, LabelledValue callback) {
        queue.groups().forEach(group -> callback.call(figure.applyAsLong(group), group.group(), group.topic()));
    }
}
