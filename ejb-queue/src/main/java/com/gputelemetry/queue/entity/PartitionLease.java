package com.gputelemetry.queue.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** Which server instance delivers one partition to one consumer group, and until when. */
@Entity
@Table(name = "queue_lease")
@IdClass(GroupPartitionId.class)
public class PartitionLease {

    @Id
    @Column(name = "group_name")
    private String group;

    @Id
    private String topic;

    @Id
    @Column(name = "partition_no")
    private int partition;

    private String owner;

    @Column(name = "expires_at_ms", nullable = false)
    private long expiresAtMillis;

    protected PartitionLease() {}

    public PartitionLease(String group, String topic, int partition) {
        this.group = group;
        this.topic = topic;
        this.partition = partition;
    }

    public boolean isHeldBy(String instance, long nowMillis) {
        return instance.equals(owner) && expiresAtMillis >= nowMillis;
    }

    /** Nobody holds it: never taken, released, or its holder stopped renewing it. */
    public boolean isFree(long nowMillis) {
        return owner == null || expiresAtMillis < nowMillis;
    }

    public void grant(String instance, long untilMillis) {
        owner = instance;
        expiresAtMillis = untilMillis;
    }

    public void release() {
        owner = null;
        expiresAtMillis = 0;
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

    public String owner() {
        return owner;
    }
}
