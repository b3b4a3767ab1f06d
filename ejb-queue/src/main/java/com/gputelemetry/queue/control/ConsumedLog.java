package com.gputelemetry.queue.control;

import com.gputelemetry.queue.entity.CommittedOffset;
import com.gputelemetry.queue.entity.LogRecord;
import com.gputelemetry.queue.entity.PartitionLog;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The part of a topic's log that a consumer group has processed, read back in order: what a group has stored is what
 * its committed offsets have passed, on whichever server it was processed. Readers of this never lock anything the
 * group's workers need.
 */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class ConsumedLog {

    @PersistenceContext(unitName = "telemetry")
    EntityManager em;

    /** The group's committed position (the next offset to process) of every partition of the topic, 0 if none yet. */
    public long[] positions(String group, String topic, int partitions) {
        long[] positions = new long[partitions];
        for (CommittedOffset offset : em.createQuery(
                        "SELECT c FROM CommittedOffset c WHERE c.group = :group AND c.topic = :topic",
                        CommittedOffset.class)
                .setParameter("group", group)
                .setParameter("topic", topic)
                .getResultList()) {
            if (offset.partition() < partitions) {
                positions[offset.partition()] = offset.nextOffset();
            }
        }
        return positions;
    }

    /** The offset the next record appended will get, in every partition of the topic: the end of the log now. */
    public long[] ends(String topic, int partitions) {
        long[] ends = new long[partitions];
        for (PartitionLog log : em.createQuery(
                        "SELECT p FROM PartitionLog p WHERE p.topic = :topic", PartitionLog.class)
                .setParameter("topic", topic)
                .getResultList()) {
            if (log.partition() < partitions) {
                ends[log.partition()] = log.nextOffset();
            }
        }
        return ends;
    }

    /**
     * The records of one partition from {@code from} up to (not including) {@code to}, oldest first, at most {@code
     * max}; records the group gave up on (its dead letters) are left out, since nothing of them was stored. Records
     * retention has deleted are missing.
     *
     * @return the records and the offset to read on from
     */
    public Slice records(String group, String topic, int partition, long from, long to, int max) {
        List<LogRecord> records = em.createQuery(
                        "SELECT r FROM LogRecord r WHERE r.topic = :topic AND r.partition = :partition"
                                + " AND r.offset >= :from AND r.offset < :to ORDER BY r.offset",
                        LogRecord.class)
                .setParameter("topic", topic)
                .setParameter("partition", partition)
                .setParameter("from", from)
                .setParameter("to", to)
                .setMaxResults(max)
                .getResultList();
        if (records.isEmpty()) {
            return new Slice(records, to);
        }
        long next = records.size() < max ? to : records.get(records.size() - 1).offset() + 1;
        Set<Long> deadLetters = new HashSet<>(em.createQuery(
                        "SELECT d.offset FROM DeadLetter d WHERE d.group = :group AND d.topic = :topic"
                                + " AND d.partition = :partition AND d.offset >= :from AND d.offset < :to",
                        Long.class)
                .setParameter("group", group)
                .setParameter("topic", topic)
                .setParameter("partition", partition)
                .setParameter("from", from)
                .setParameter("to", next)
                .getResultList());
        return new Slice(
                deadLetters.isEmpty()
                        ? records
                        : records.stream()
                                .filter(r -> !deadLetters.contains(r.offset()))
                                .toList(),
                next);
    }

    /**
     * The oldest offset of the partition that the log still holds below {@code to}: {@code to} when retention has
     * deleted every record before it. A reader that wanted to start earlier has missed what lies in between.
     */
    public long oldestRetained(String topic, int partition, long to) {
        Long oldest = em.createQuery(
                        "SELECT MIN(r.offset) FROM LogRecord r WHERE r.topic = :topic AND r.partition = :partition"
                                + " AND r.offset < :to",
                        Long.class)
                .setParameter("topic", topic)
                .setParameter("partition", partition)
                .setParameter("to", to)
                .getSingleResult();
        return oldest == null ? to : oldest;
    }

    /** Records of one partition, and the offset after the last one looked at. */
    public record Slice(List<LogRecord> records, long next) {}
}
