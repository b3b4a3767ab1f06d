package com.gputelemetry.prometheus.control;

import com.gputelemetry.prometheus.entity.SkipReason;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What this server's remote-write receiver did, since it started: a request retried after a refusal is counted once,
 * when it is taken.
 */
@ApplicationScoped
public class RemoteWriteCounters {

    private final AtomicLong requests = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong invalid = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private final Map<SkipReason, AtomicLong> skipped = new EnumMap<>(SkipReason.class);

    public RemoteWriteCounters() {
        for (SkipReason reason : SkipReason.values()) {
            skipped.put(reason, new AtomicLong());
        }
    }

    void taken(GpuSamples taken) {
        requests.incrementAndGet();
        samples.addAndGet(taken.rows().size());
        taken.skipped().forEach((reason, count) -> skipped.get(reason).addAndGet(count));
    }

    void duplicate() {
        duplicates.incrementAndGet();
    }

    void refused() {
        invalid.incrementAndGet();
    }

    /** Requests taken, not counting duplicates. */
    public long requests() {
        return requests.get();
    }

    public long duplicates() {
        return duplicates.get();
    }

    /** Requests refused as no remote-write request at all (400). */
    public long invalid() {
        return invalid.get();
    }

    /** Samples stored. */
    public long samples() {
        return samples.get();
    }

    public long skipped(SkipReason reason) {
        return skipped.get(reason).get();
    }
}
