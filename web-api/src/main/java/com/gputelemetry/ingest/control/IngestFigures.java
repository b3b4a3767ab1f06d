package com.gputelemetry.ingest.control;

import com.gputelemetry.ingest.entity.Source;
import com.gputelemetry.ingest.entity.Transport;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * What this server's ingest acknowledged since it started, by transport and source, as Prometheus counters and a
 * histogram.
 */
@ApplicationScoped
public class IngestFigures {

    private final Counter batches = Counter.builder()
            .name("ingest_batches_total")
            .help("Batches acknowledged: outcome stored, or duplicate (a retry of a batch already stored)")
            .labelNames("transport", "source", "outcome")
            .build();
    private final Counter accepted = Counter.builder()
            .name("ingest_rows_accepted_total")
            .help("Rows (remote write: GPU samples) of acknowledged batches, durable in the queue")
            .labelNames("transport", "source")
            .build();
    private final Counter rejected = Counter.builder()
            .name("ingest_rows_rejected_total")
            .help("Rows refused with their line number while the rest of their batch was stored")
            .labelNames("transport", "source")
            .build();
    private final Counter bytes = Counter.builder()
            .name("ingest_bytes_total")
            .help("Bytes of acknowledged batches as received (remote write: snappy-compressed)")
            .labelNames("transport", "source")
            .build();
    // From a batch's body in memory to its durable append: the queue's and the database's share of what a producer
    // waits; buckets from the 1 ms of a small batch to the seconds of a database under pressure.
    private final Histogram acknowledgement = Histogram.builder()
            .name("ingest_acknowledgement_seconds")
            .help("Time from a batch's arrival (its body read) to its durable acknowledgement")
            .unit(Unit.SECONDS)
            .classicOnly()
            .classicUpperBounds(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10)
            .labelNames("transport")
            .build();

    public IngestFigures() {
        // Every series from the start, so that a rate over the first batches has a zero to start from.
        for (Transport transport : Transport.values()) {
            for (Source source : transport.sources()) {
                batches.initLabelValues(transport.label(), source.label(), "stored");
                batches.initLabelValues(transport.label(), source.label(), "duplicate");
                accepted.initLabelValues(transport.label(), source.label());
                rejected.initLabelValues(transport.label(), source.label());
                bytes.initLabelValues(transport.label(), source.label());
            }
            acknowledgement.initLabelValues(transport.label());
        }
    }

    /**
     * A batch is acknowledged.
     *
     * @param arrivedNanos {@link System#nanoTime()} when its body had been read
     */
    public void acknowledged(
            Transport transport,
            Source source,
            long bodyBytes,
            int rowsAccepted,
            int rowsRejected,
            boolean duplicate,
            long arrivedNanos) {
        String way = transport.label();
        String from = source.label();
        acknowledgement.labelValues(way).observe((System.nanoTime() - arrivedNanos) / 1e9);
        batches.labelValues(way, from, duplicate ? "duplicate" : "stored").inc();
        bytes.labelValues(way, from).inc(bodyBytes);
        if (!duplicate) {
            accepted.labelValues(way, from).inc(rowsAccepted);
        }
        rejected.labelValues(way, from).inc(rowsRejected);
    }

    public void registerWith(PrometheusRegistry registry) {
        registry.register(batches);
        registry.register(accepted);
        registry.register(rejected);
        registry.register(bytes);
        registry.register(acknowledgement);
    }
}
