package com.gputelemetry.queue.control;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.Locale;
import java.util.Optional;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The queue's settings; each default, and why it is what it is, is in {@code microprofile-config.properties}. */
@ApplicationScoped
public class QueueSettings {

    @Inject
    Config config;

    @Inject
    @ConfigProperty(name = "QUEUE_PARTITIONS")
    int defaultPartitions;

    @Inject
    @ConfigProperty(name = "QUEUE_POLL_INTERVAL_MS")
    long pollIntervalMillis;

    @Inject
    @ConfigProperty(name = "QUEUE_MAX_LAG")
    long maxLag;

    @Inject
    @ConfigProperty(name = "QUEUE_MAX_ATTEMPTS")
    int maxAttempts;

    @Inject
    @ConfigProperty(name = "QUEUE_RETENTION_MINUTES")
    long retentionMinutes;

    @Inject
    @ConfigProperty(name = "QUEUE_RETENTION_CHECK_SECONDS")
    long retentionCheckSeconds;

    @Inject
    @ConfigProperty(name = "QUEUE_ONCE_KEYS_HOURS")
    long onceKeysHours;

    @Inject
    @ConfigProperty(name = "QUEUE_INSTANCE_ID")
    Optional<String> instanceId;

    @Inject
    @ConfigProperty(name = "QUEUE_LEASE_TTL_MS")
    long leaseTtlMillis;

    /** The partitions of a new topic: {@code QUEUE_PARTITIONS_<TOPIC>} if set, else {@code QUEUE_PARTITIONS}. */
    public int partitions(String topic) {
        String name = "QUEUE_PARTITIONS_" + topic.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
        return config.getOptionalValue(name, Integer.class).orElse(defaultPartitions);
    }

    public long pollIntervalMillis() {
        return pollIntervalMillis;
    }

    public long maxLag() {
        return maxLag;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public long retentionMinutes() {
        return retentionMinutes;
    }

    public long retentionCheckSeconds() {
        return retentionCheckSeconds;
    }

    public long onceKeysHours() {
        return onceKeysHours;
    }

    public Optional<String> instanceId() {
        return instanceId;
    }

    public long leaseTtlMillis() {
        return leaseTtlMillis;
    }
}
