package com.gputelemetry.queue.control;

import com.gputelemetry.queue.boundary.QueueFullException;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.PersistenceContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Refuses an append that would leave a consumer group more than a bound behind on a partition, inside the
 * publisher's transaction, so that the refused batch leaves no trace. A group that has not committed in a partition
 * yet stands at offset 0 there.
 */
@Stateless
public class Backpressure {

    private static final long MAX_RETRY_AFTER_SECONDS = 30;

    @PersistenceContext(unitName = "telemetry")
    EntityManager em;

    /**
     * @param headsAfterAppend per partition, the head offset the append would leave
     * @throws QueueFullException naming the first group and partition over the bound
     */
    @TransactionAttribute(TransactionAttributeType.MANDATORY)
    public void check(String topic, List<String> groups, Map<Integer, Long> headsAfterAppend, long maxLag) {
        if (groups.isEmpty()) {
            return;
        }
        Map<String, Long> committed = new HashMap<>();
        for (Object[] row : em.createQuery(
                        "SELECT c.partition, c.group, c.nextOffset FROM CommittedOffset c "
                                + "WHERE c.topic = :topic AND c.group IN :groups",
                        Object[].class)
                .setParameter("topic", topic)
                .setParameter("groups", groups)
                .getResultList()) {
            committed.put(row[0] + "/" + row[1], ((Number) row[2]).longValue());
        }
        for (var head : headsAfterAppend.entrySet()) {
            for (String group : groups) {
                long lag = head.getValue() - committed.getOrDefault(head.getKey() + "/" + group, 0L);
                if (lag > maxLag) {
                    // Rough time to work the excess off, at a tenth of the bound per second.
                    long retryAfter = Math.max(1, Math.min(MAX_RETRY_AFTER_SECONDS, lag / Math.max(1, maxLag / 10)));
                    throw new QueueFullException(topic, head.getKey(), group, lag, maxLag, retryAfter);
                }
            }
        }
    }
}
