package com.gputelemetry.queue.entity;

import java.io.Serializable;
import java.util.Objects;

/** Primary key of a partition. A class, not a record: JPA 3.1 providers set id fields reflectively. */
public class PartitionId implements Serializable {

    private String topic;
    private int partition;

    protected PartitionId() {}

    public PartitionId(String topic, int partition) {
        this.topic = topic;
        this.partition = partition;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PartitionId other && partition == other.partition && Objects.equals(topic, other.topic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition);
    }
}
