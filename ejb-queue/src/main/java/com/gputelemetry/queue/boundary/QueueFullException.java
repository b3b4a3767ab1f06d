package com.gputelemetry.queue.boundary;

import jakarta.ejb.ApplicationException;

/**
 * Backpressure: a consumer group is too far behind on a partition, so the queue refuses more records there until it
 * catches up. Nothing of the refused batch is stored; the producer retries it later.
 */
@ApplicationException(rollback = true)
public class QueueFullException extends RuntimeException {

    private final long retryAfterSeconds;

    public QueueFullException(
            String topic, int partition, String group, long lag, long maxLag, long retryAfterSeconds) {
        super("group " + group + " would be " + lag + " records behind on " + topic + "/" + partition + " (bound "
                + maxLag + "); retry in " + retryAfterSeconds + " s");
        this.retryAfterSeconds = retryAfterSeconds;
    }

    public long retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
