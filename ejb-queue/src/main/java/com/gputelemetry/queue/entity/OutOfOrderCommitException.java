package com.gputelemetry.queue.entity;

import jakarta.ejb.ApplicationException;

/** A delivery tried to commit a record that is not the group's next one; its transaction must not commit. */
@ApplicationException(rollback = true)
public class OutOfOrderCommitException extends RuntimeException {

    public OutOfOrderCommitException(String group, String topic, int partition, long expected, long actual) {
        super("group " + group + " on " + topic + "/" + partition + " expects offset " + expected + ", not " + actual);
    }
}
