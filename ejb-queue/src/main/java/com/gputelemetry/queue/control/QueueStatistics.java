package com.gputelemetry.queue.control;

import com.gputelemetry.queue.entity.CommittedOffset;
import com.gputelemetry.queue.entity.DeadLetter;
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
import java.util.TreeMap;

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

    /** The committed offsets of every group that has committed anything, with the lag behind each partition's head. */
    public List<GroupProgress> groups() {
        Map<String, Long> heads = new HashMap<>();
        heads().forEach(log -> heads.put(log.topic() + "/" + log.partition(), log.nextOffset()));
        Map<String, List<PartitionProgress>> byGroup = new TreeMap<>();
        for (CommittedOffset offset : em.createQuery(
                        "SELECT c FROM CommittedOffset c ORDER BY c.group, c.topic, c.partition", CommittedOffset.class)
                .getResultList()) {
            long head = heads.getOrDefault(offset.topic() + "/" + offset.partition(), offset.nextOffset());
            byGroup.computeIfAbsent(offset.group() + "\u0000" + offset.topic(), k -> new ArrayList<>())
                    .add(new PartitionProgress(offset.partition(), offset.nextOffset(), head - offset.nextOffset()));
        }
        Map<String, Long> deadLetters = new HashMap<>();
        for (Object[] row : em.createQuery(
                        "SELECT d.group, d.topic, COUNT(d) FROM DeadLetter d GROUP BY d.group, d.topic", Object[].class)
                .getResultList()) {
            deadLetters.put(row[0] + "\u0000" + row[1], ((Number) row[2]).longValue());
        }
        return byGroup.entrySet().stream()
                .map(e -> {
                    String[] key = e.getKey().split("\u0000");
                    return new GroupProgress(
                            key[0],
                            key[1],
                            e.getValue().stream()
                                    .mapToLong(PartitionProgress::lag)
                                    .sum(),
                            deadLetters.getOrDefault(e.getKey(), 0L),
                            e.getValue());
                })
                .toList();
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

    /** One group's position in one partition and how many records it still has to process there. */
    public record PartitionProgress(int partition, long committedOffset, long lag) {}
}
