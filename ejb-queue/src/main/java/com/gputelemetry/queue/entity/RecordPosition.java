package com.gputelemetry.queue.entity;

import java.io.Serializable;
import java.util.Objects;

/** Primary key of a log record: its place in the log. */
public class RecordPosition implements Serializable {

    private String topic;
    private int partition;
    private long offset;

    protected RecordPosition() {}

    public RecordPosition(String topic, int partition, long offset) {
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecordPosition other
                && partition == other.partition
                && offset == other.offset
                && Objects.equals(topic, other.topic);
    }

    @Override
    public int hashCode() {
        return Objects.hash(topic, partition, offset);
    }
}
