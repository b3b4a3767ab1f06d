package com.gputelemetry.queue.control;

import com.gputelemetry.queue.entity.PartitionId;
import com.gputelemetry.queue.entity.PartitionLog;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;

/**
 * Creates a topic's partition rows before anyone appends: publishers then only ever lock existing rows, instead of
 * racing to create the same partition (and its offset 0) at the same time.
 */
@Stateless
public class TopicCreation {

    @PersistenceContext(unitName = "telemetry")
    EntityManager em;

    /** Idempotent; its own transaction, so a concurrent creation by another server fails alone and can be retried. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void ensurePartitions(String topic, int partitions) {
        for (int partition = 0; partition < partitions; partition++) {
            if (em.find(PartitionLog.class, new PartitionId(topic, partition)) == null) {
                em.persist(new PartitionLog(topic, partition));
            }
        }
    }
}
