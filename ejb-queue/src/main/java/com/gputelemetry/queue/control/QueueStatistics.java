package com.gputelemetry.queue.control;

import com.gputelemetry.queue.entity.CommittedOffset;
import com.gputelemetry.queue.entity.DeadLetter;
import com.gputelemetry.queue.entity.PartitionLease;
import com.gputelemetry.queue.entity.PartitionLog;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** Read-only figures about the log and the consumer groups, as stored in the database (all servers together). */
@Stateless
@TransactionAttribute(TransactionAttributeType.SUPPORTS)
public class QueueStatistics {

    @PersistenceContext(unitName = "telemetry")
    EntityManager em;

    public List<TopicStats> topics() {
        Map<String, Object[]> sizes = new HashMap<>();
        for (Object[] row : em.createQuery(
                        "SELECT r.topic, r.partition, COUNT(r), MIN(r.offset) FROM LogRecord r GROUP BY r.topic, r.partition",
                        Object[].class)
                .getResultList()) {
            sizes.put(row[0] + "/" + row[1], row);
        }
        Map<String, List<PartitionStats>> byTopic = new TreeMap<>();
        for (PartitionLog log : heads()) {
            Object[] size = sizes.get(log.topic() + "/" + log.partition());
            long records = size == null ? 0 : ((Number) size[2]).longValue();
            long oldest = size == null ? log.nextOffset() : ((Number) size[3]).longValue();
            byTopic.computeIfAbsent(log.topic(), t -> new ArrayList<>())
                    .add(new PartitionStats(log.partition(), log.nextOffset(), oldest, records));
        }
        return byTopic.entrySet().stream()
                .map(e -> new TopicStats(
                        e.getKey(),
                        e.getValue().size(),
                        e.getValue().stream().mapToLong(PartitionStats::records).sum(),
                        e.getValue()))
                .toList();
    }

    /**
     * Every group known to the database (by its leases or its committed offsets), with its position and lag per
     * partition; a partition the group has not committed in yet stands at offset 0.
     */
    public List<GroupProgress> groups() {
        Map<String, Long> heads = new HashMap<>();
        heads().forEach(log -> heads.put(log.topic() + "/" + log.partition(), log.nextOffset()));
        long now = System.currentTimeMillis();
        Map<String, Map<Integer, String>> owners = new TreeMap<>();
        for (PartitionLease lease : em.createQuery("SELECT l FROM PartitionLease l", PartitionLease.class)
                .getResultList()) {
            owners.computeIfAbsent(key(lease.group(), lease.topic()), k -> new TreeMap<>())
                    .put(lease.partition(), lease.isFree(now) ? null : lease.owner());
        }
        Map<String, Map<Integer, Long>> committed = new TreeMap<>();
        for (CommittedOffset offset : em.createQuery("SELECT c FROM CommittedOffset c", CommittedOffset.class)
                .getResultList()) {
            committed
                    .computeIfAbsent(key(offset.group(), offset.topic()), k -> new TreeMap<>())
                    .put(offset.partition(), offset.nextOffset());
        }
        Map<String, Long> deadLetters = new HashMap<>();
        for (Object[] row : em.createQuery(
                        "SELECT d.group, d.topic, COUNT(d) FROM DeadLetter d GROUP BY d.group, d.topic", Object[].class)
                .getResultList()) {
            deadLetters.put(key((String) row[0], (String) row[1]), ((Number) row[2]).longValue());
        }
        Set<String> groups = new TreeSet<>(owners.keySet());
        groups.addAll(committed.keySet());
        List<GroupProgress> progress = new ArrayList<>();
        for (String group : groups) {
            String[] names = group.split("\u0000");
            Map<Integer, String> leaseOwners = owners.getOrDefault(group, Map.of());
            Map<Integer, Long> offsets = committed.getOrDefault(group, Map.of());
            Set<Integer> partitions = new TreeSet<>(leaseOwners.keySet());
            partitions.addAll(offsets.keySet());
            List<PartitionProgress> byPartition = partitions.stream()
                    .map(p -> {
                        long position = offsets.getOrDefault(p, 0L);
                        long head = heads.getOrDefault(names[1] + "/" + p, position);
                        return new PartitionProgress(p, position, head - position, leaseOwners.get(p));
                    })
                    .toList();
            progress.add(new GroupProgress(
                    names[0],
                    names[1],
                    byPartition.stream().mapToLong(PartitionProgress::lag).sum(),
                    deadLetters.getOrDefault(group, 0L),
                    byPartition));
        }
        return progress;
    }

    private static String key(String group, String topic) {
        return group + "\u0000" + topic;
    }

    /** The oldest dead letters first; of one group, or of all when {@code group} is null. */
    public List<DeadLetter> deadLetters(String group, int limit) {
        var query = group == null
                ? em.createQuery("SELECT d FROM DeadLetter d ORDER BY d.id", DeadLetter.class)
                : em.createQuery("SELECT d FROM DeadLetter d WHERE d.group = :group ORDER BY d.id", DeadLetter.class)
                        .setParameter("group", group);
        return query.setMaxResults(limit).getResultList();
    }

    public DeadLetter deadLetter(long id) {
        return em.find(DeadLetter.class, id);
    }

    private List<PartitionLog> heads() {
        return em.createQuery("SELECT p FROM PartitionLog p ORDER BY p.topic, p.partition", PartitionLog.class)
                .getResultList();
    }

    /** One topic: its partitions and how many records the log holds now. */
    public record TopicStats(String topic, int partitionCount, long records, List<PartitionStats> partitions) {}

    /** One partition: the next offset to be appended, the oldest retained one and the records retained. */
    public record PartitionStats(int partition, long headOffset, long oldestOffset, long records) {}

    /** One group on one topic, from its committed offsets. */
    public record GroupProgress(
            String group, String topic, long lag, long deadLetters, List<PartitionProgress> partitions) {}

    /**
     * One group's position in one partition, how many records it still has to process there, and the server
     * instance holding the partition's lease (null when nobody does).
     */
    public record PartitionProgress(int partition, long committedOffset, long lag, String owner) {}
}
