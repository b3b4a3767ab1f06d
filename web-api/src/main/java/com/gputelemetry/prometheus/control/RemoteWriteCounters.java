package com.gputelemetry.prometheus.control;

import com.gputelemetry.prometheus.entity.SkipReason;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;

/**
 * What this server's remote-write receiver refused or left out, since it started; what it took is among the ingest
 * figures of the {@code remote_write} transport.
 */
@ApplicationScoped
public class RemoteWriteCounters {

    private final Counter invalid = Counter.builder()
            .name("remote_write_invalid_total")
            .help("Remote-write requests refused with 400: not snappy, not protobuf, labels without names")
            .build();
    private final Counter skipped = Counter.builder()
            .name("remote_write_samples_skipped_total")
            .help("Remote-written samples not stored, by reason")
            .labelNames("reason")
            .build();

    public RemoteWriteCounters() {
        for (SkipReason reason : SkipReason.values()) {
            skipped.initLabelValues(reason.metricTag());
        }
    }

    void skipped(Map<SkipReason, Long> byReason) {
        byReason.forEach(
                (reason, count) -> skipped.labelValues(reason.metricTag()).inc(count));
    }

    void refused() {
        invalid.inc();
    }

    public void registerWith(PrometheusRegistry registry) {
        registry.register(invalid);
        registry.register(skipped);
    }
}
