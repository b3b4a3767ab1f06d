package com.gputelemetry.queue.boundary;

import com.gputelemetry.queue.entity.LogRecord;
import java.util.List;

/**
 * A consumer group's handler (MDB style), called inside the delivery's transaction, which also commits the group's
 * offset. Throwing rolls the delivery back, the offset included, and the records are delivered again later.
 */
public interface MessageListener {

    void onMessage(LogRecord record);

    /**
     * Consecutive records of one partition, in offset order, delivered in one transaction. A listener that can store
     * them together (one query for what they share, one flush) overrides this; a failure here makes the queue deliver
     * the same records again one at a time, so that a poison record is retried and dead-lettered alone.
     */
    default void onMessages(List<LogRecord> records) {
        records.forEach(this::onMessage);
    }
}
