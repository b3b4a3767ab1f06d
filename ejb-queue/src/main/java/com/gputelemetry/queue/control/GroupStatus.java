package com.gputelemetry.queue.control;

/**
 * What a consumer group's workers on this server have done since the server started (over every resize), and the last
 * error of its current workers.
 */
public record GroupStatus(
        String group,
        String topic,
        int workers,
        long delivered,
        long redeliveries,
        long deadLetters,
        String lastError) {}
