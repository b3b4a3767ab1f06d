package com.gputelemetry.queue.boundary;

import com.gputelemetry.queue.entity.LogRecord;

/**
 * A consumer group's handler, called once per record inside the delivery's transaction (MDB style). Throwing rolls
 * the delivery back, the group's offset included, and the record is delivered again later.
 */
public interface MessageListener {

    void onMessage(LogRecord record);
}
