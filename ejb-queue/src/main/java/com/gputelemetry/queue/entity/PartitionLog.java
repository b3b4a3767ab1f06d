package com.gputelemetry.queue.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** The head of one partition's log: hands out the next dense offset to each appended record. */
@Entity
@Table(name = "queue_partition")
@IdClass(PartitionId.class)
public class PartitionLog {

    @Id
    private String topic;

    @Id
    @Column(name = "partition_no")
    private int partition;

    @Column(name = "next_offset", nullable = false)
    private long nextOffset;

    protected PartitionLog() {}

    public PartitionLog(String topic, int partition) {
        this.topic = topic;
        this.partition = partition;
    }

    /** Appends behind every record before it; the caller holds this row's write lock until commit. */
    public LogRecord append(String payload, long nowMillis) {
        return new LogRecord(topic, partition, nextOffset++, payload, nowMillis);
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }

    /** The offset the next appended record will get, i.e. the number of records ever appended. */
    public long nextOffset() {
        return nextOffset;
    }
}
