package com.gputelemetry.queue.control;

import com.gputelemetry.queue.boundary.MessageListener;
import com.gputelemetry.queue.entity.CommittedOffset;
import com.gputelemetry.queue.entity.DeadLetter;
import com.gputelemetry.queue.entity.GroupPartitionId;
import com.gputelemetry.queue.entity.LogRecord;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import javax.sql.DataSource;

/** Reads a partition and delivers records to a group's listener, committing the group's offset in the same transaction. */
@Stateless
public class PartitionDelivery {

    @PersistenceContext(unitName = "telemetry")
    EntityManager em;

    @Inject
    DataSource dataSource;

    /** Asked once per pooled instance. */
    private Boolean postgres;

    /**
     * Creates the group's offset rows (at offset 0) before anything is delivered, so that every delivery serialises
     * on an existing row lock: two workers that both found no row would otherwise both deliver the first record.
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void ensureOffsets(String group, String topic, int partitions) {
        for (int partition = 0; partition < partitions; partition++) {
            if (em.find(CommittedOffset.class, new GroupPartitionId(group, topic, partition)) == null) {
                em.persist(new CommittedOffset(group, topic, partition));
            }
        }
    }

    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public long committedOffset(String group, String topic, int partition) {
        CommittedOffset committed = em.find(CommittedOffset.class, new GroupPartitionId(group, topic, partition));
        return committed == null ? 0 : committed.nextOffset();
    }

    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    public List<LogRecord> read(String topic, int partition, long fromOffset, int maxRecords) {
        return em.createQuery(
                        """
                        SELECT r FROM LogRecord r
                        WHERE r.topic = :topic AND r.partition = :partition AND r.offset >= :from
                        ORDER BY r.offset""",
                        LogRecord.class)
                .setParameter("topic", topic)
                .setParameter("partition", partition)
                .setParameter("from", fromOffset)
                .setMaxResults(maxRecords)
                .getResultList();
    }

    /**
     * The listener's writes and the offset commit succeed or fail together: a crash can neither lose a record nor
     * apply it twice. The offset row stays locked until commit, so no other worker can deliver this partition meanwhile.
     *
     * @param records consecutive records of one partition, in offset order
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public void deliver(String group, List<LogRecord> records, MessageListener listener) {
        if (onPostgres()) {
            // The delivery's writes and its offset commit are one transaction, and the records stay in the log: if
            // the database crashed before flushing this commit, both would be gone together and the records simply
            // delivered again. So this commit need not wait for the disk; what was published (acknowledged to the
            // producers) still does. A later synchronous commit (retention's, say) flushes this one with it.
            em.createNativeQuery("SET LOCAL synchronous_commit TO OFF").executeUpdate();
        }
        LogRecord first = records.get(0);
        CommittedOffset committed = lockedOffset(group, first.topic(), first.partition());
        records.forEach(record -> committed.commit(record.offset()));
        if (records.size() == 1) {
            listener.onMessage(first);
        } else {
            listener.onMessages(records);
        }
    }

    private boolean onPostgres() {
        if (postgres == null) {
            try (Connection connection = dataSource.getConnection()) {
                postgres = "PostgreSQL".equals(connection.getMetaData().getDatabaseProductName());
            } catch (SQLException e) {
                throw new IllegalStateException("cannot ask the database what it is", e);
            }
        }
        return postgres;
    }

    private CommittedOffset lockedOffset(String group, String topic, int partition) {
        var id = new GroupPartitionId(group, topic, partition);
        CommittedOffset committed = em.find(CommittedOffset.class, id, LockModeType.PESSIMISTIC_WRITE);
        if (committed == null) {
            throw new IllegalStateException("group " + group + " is not subscribed to " + topic
                    + " (no offset for partition " + partition + ")");
        }
        return committed;
    }

    /** Moves the group past a record it cannot process, keeping the record as a dead letter, in one transaction. */
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public void deadLetter(String group, LogRecord record, int attempts, String lastError) {
        lockedOffset(group, record.topic(), record.partition()).commit(record.offset());
        em.persist(new DeadLetter(group, record, attempts, lastError, System.currentTimeMillis()));
    }

    /**
     * Hands a dead letter to its group's listener again; on success it is removed, on failure it stays (and the
     * listener's exception says why). Only that group sees the record again: the other groups are not involved.
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRED)
    public boolean replay(long deadLetterId, MessageListener listener) {
        DeadLetter letter = em.find(DeadLetter.class, deadLetterId, LockModeType.PESSIMISTIC_WRITE);
        if (letter == null) {
            return false;
        }
        listener.onMessage(letter.toRecord());
        em.remove(letter);
        return true;
    }
}
