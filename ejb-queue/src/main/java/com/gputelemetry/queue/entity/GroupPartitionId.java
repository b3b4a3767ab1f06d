package com.gputelemetry.queue.entity;

import java.io.Serializable;
import java.util.Objects;

/** Primary key of a committed offset: consumer group, topic and partition. */
public class GroupPartitionId implements Serializable {

    private String group;
    private String topic;
    private int partition;

    protected GroupPartitionId() {}

    public GroupPartitionId(String group, String topic, int partition) {
        this.group = group;
        this.topic = topic;
        this.partition = partition;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GroupPartitionId other
                && partition == other.partition
                && Objects.equals(group, other.group)
                && Objects.equals(topic, other.topic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(group, topic, partition);
    }
}
