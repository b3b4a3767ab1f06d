package com.gputelemetry.queue.control;

/** What a consumer group has done on this server since it subscribed. */
public record GroupStatus(String group, String topic, int workers, long delivered, long failures, String lastError) {}
