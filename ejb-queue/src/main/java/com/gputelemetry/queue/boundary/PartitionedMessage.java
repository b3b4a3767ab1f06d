package com.gputelemetry.queue.boundary;

/** A payload bound for one partition; producers choose the partition with the topic's {@code Partitioner}. */
public record PartitionedMessage(int partition, String payload) {}
