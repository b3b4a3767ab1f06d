package com.gputelemetry.queue.entity;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/** What the queue remembers of a producer so that a re-sent batch is acknowledged without being stored again. */
@Entity
@Table(name = "queue_producer")
public class ProducerState {

    @Id
    @Column(name = "producer_id")
    private String producerId;

    @Column(name = "last_sequence", nullable = false)
    private long lastSequence;

    @Column(name = "updated_at_ms", nullable = false)
    private long updatedAtMillis;

    protected ProducerState() {}

    public ProducerState(String producerId) {
        this.producerId = producerId;
        this.lastSequence = -1;
    }

    /** Records {@code sequence} as stored; false when it (or a later one) was stored before, i.e. a retry. */
    public boolean accept(long sequence, long nowMillis) {
        if (sequence <= lastSequence) {
            return false;
        }
        lastSequence = sequence;
        updatedAtMillis = nowMillis;
        return true;
    }
}
