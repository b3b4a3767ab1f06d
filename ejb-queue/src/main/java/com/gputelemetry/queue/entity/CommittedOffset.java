package com.gputelemetry.queue.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** How far one consumer group has processed one partition: the offset of the next record it has not processed. */
@Entity
@Table(name = "queue_committed_offset")
@IdClass(GroupPartitionId.class)
public class CommittedOffset {

    @Id
    @Column(name = "group_name")
    private String group;

    @Id
    private String topic;

    @Id
    @Column(name = "partition_no")
    private int partition;

    @Column(name = "next_offset", nullable = false)
    private long nextOffset;

    protected CommittedOffset() {}

    public CommittedOffset(String group, String topic, int partition) {
        this.group = group;
        this.topic = topic;
        this.partition = partition;
    }

    /**
     * Moves past the record at {@code offset}. Refuses anything but the very next record, so a stale or duplicate
     * delivery (another worker got there first) rolls back instead of being stored twice.
     */
    public void commit(long offset) {
        if (offset != nextOffset) {
            throw new OutOfOrderCommitException(group, topic, partition, nextOffset, offset);
        }
        nextOffset = offset + 1;
    }

    public long nextOffset() {
        return nextOffset;
    }

    public String group() {
        return group;
    }

    public String topic() {
        return topic;
    }

    public int partition() {
        return partition;
    }
}
