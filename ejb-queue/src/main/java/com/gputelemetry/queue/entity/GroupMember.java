package com.gputelemetry.queue.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

/** A server instance taking part in a consumer group, alive as long as its heartbeat is recent. */
@Entity
@Table(name = "queue_member")
@IdClass(GroupMemberId.class)
public class GroupMember {

    @Id
    @Column(name = "group_name")
    private String group;

    @Id
    private String topic;

    @Id
    @Column(name = "instance_id")
    private String instance;

    @Column(name = "heartbeat_at_ms", nullable = false)
    private long heartbeatAtMillis;

    protected GroupMember() {}

    public GroupMember(String group, String topic, String instance) {
        this.group = group;
        this.topic = topic;
        this.instance = instance;
    }

    public void beat(long nowMillis) {
        heartbeatAtMillis = nowMillis;
    }

    public boolean isAlive(long nowMillis, long ttlMillis) {
        return heartbeatAtMillis >= nowMillis - ttlMillis;
    }
}
