package com.gputelemetry.queue.entity;

import java.io.Serializable;
import java.util.Objects;

/** Primary key of a group member: consumer group, topic and server instance. */
public class GroupMemberId implements Serializable {

    private String group;
    private String topic;
    private String instance;

    protected GroupMemberId() {}

    public GroupMemberId(String group, String topic, String instance) {
        this.group = group;
        this.topic = topic;
        this.instance = instance;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GroupMemberId other
                && Objects.equals(group, other.group)
                && Objects.equals(topic, other.topic)
                && Objects.equals(instance, other.instance);
    }

    @Override
    public int hashCode() {
        return Objects.hash(group, topic, instance);
    }
}
