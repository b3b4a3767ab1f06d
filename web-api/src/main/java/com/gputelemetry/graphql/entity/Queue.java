package com.gputelemetry.graphql.entity;

import java.util.List;
import org.eclipse.microprofile.graphql.Description;
import org.eclipse.microprofile.graphql.NonNull;

/** The message queue's topics and consumer groups, as the queue's REST figures show them. */
public record Queue(@NonNull List<@NonNull Topic> topics, @NonNull List<@NonNull ConsumerGroup> groups) {

    /** A topic: its partitions and the records its log holds. */
    public record Topic(@NonNull String name, int partitions, long records) {}

    /** A consumer group of a topic; workers, delivered and redeliveries are this server's (null when not here). */
    @Description(
            "A consumer group of a topic; workers, delivered and redeliveries are this server's, null when not here")
    public record ConsumerGroup(
            @NonNull String name,
            @NonNull String topic,
            long lag,
            long deadLetters,
            Integer workers,
            Long delivered,
            Long redeliveries) {}
}
