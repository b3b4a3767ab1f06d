package com.gputelemetry.queue.control;

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

    /**
     * Creates the topic with {@code partitions} partitions unless it exists; an existing topic keeps its count, since
     * changing it would move keys to other partitions and break their order. Its own transaction, so a concurrent
     * creation by another server fails alone and can be retried.
     *
     * @return the topic's partition count
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public int ensurePartitions(String topic, int partitions) {
        long existing = em.createQuery("SELECT COUNT(p) FROM PartitionLog p WHERE p.topic = :topic", Long.class)
                .setParameter("topic", topic)
                .getSingleResult();
        if (existing > 0) {
            return (int) existing;
        }
        for (int partition = 0; partition < partitions; partition++) {
            em.persist(new PartitionLog(topic, partition));
        }
        return partitions;
    }
}
