package com.gputelemetry.queue.control;

import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.List;

/**
 * Deletes log records that every consumer group has committed past and that are older than the retention period,
 * in bulk, one partition per transaction. A group that has not committed anything in a partition holds all of it.
 */
@Stateless
public class Retention {

    @PersistenceContext(unitName = "telemetry")
    EntityManager em;

    /**
     * @param heldFrom the oldest offset a reader outside the groups (this server's live feed) has yet to read; {@code
     *     Long.MAX_VALUE} when none holds the partition
     * @return the number of records deleted
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public int purge(String topic, int partition, List<String> activeGroups, long appendedBeforeMillis, long heldFrom) {
        List<Object[]> committed = em.createQuery(
                        "SELECT c.group, c.nextOffset FROM CommittedOffset c WHERE c.topic = :topic AND c.partition = :partition",
                        Object[].class)
                .setParameter("topic", topic)
                .setParameter("partition", partition)
                .getResultList();
        long groupsWithOffsets =
                committed.stream().map(row -> row[0]).distinct().count();
        boolean everyActiveGroupCommitted =
                activeGroups.stream().allMatch(group -> committed.stream().anyMatch(row -> row[0].equals(group)));
        if (groupsWithOffsets == 0 || !everyActiveGroupCommitted) {
            return 0;
        }
        long safeBelow = Math.min(
                heldFrom,
                committed.stream()
                        .mapToLong(row -> ((Number) row[1]).longValue())
                        .min()
                        .orElse(0));
        return em.createQuery(
                        """
                        DELETE FROM LogRecord r
                        WHERE r.topic = :topic AND r.partition = :partition
                          AND r.offset < :safeBelow AND r.appendedAtMillis < :cutoff""")
                .setParameter("topic", topic)
                .setParameter("partition", partition)
                .setParameter("safeBelow", safeBelow)
                .setParameter("cutoff", appendedBeforeMillis)
                .executeUpdate();
    }

    /**
     * Forgets the keys of one-off batches ({@code MessageQueue.publishOnce}) last used before {@code usedBeforeMillis}:
     * a producer that retries one of those after so long would have it stored again.
     *
     * @return the number of keys forgotten
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public int forgetOnceKeys(String prefix, long usedBeforeMillis) {
        return em.createQuery(
                        "DELETE FROM ProducerState p WHERE p.producerId LIKE :prefix AND p.updatedAtMillis < :cutoff")
                .setParameter("prefix", prefix + "%")
                .setParameter("cutoff", usedBeforeMillis)
                .executeUpdate();
    }
}
