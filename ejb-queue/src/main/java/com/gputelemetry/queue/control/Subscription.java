package com.gputelemetry.queue.control;

import com.gputelemetry.queue.boundary.MessageListener;
import java.util.concurrent.Executor;

/** What every worker of one consumer group shares: who listens to which topic, and how deliveries are made. */
public record Subscription(
        String group,
        String topic,
        MessageListener listener,
        int maxAttempts,
        PartitionDelivery delivery,
        Executor executor) {

    public Subscription {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("a record needs at least one delivery attempt, not " + maxAttempts);
        }
    }
}
