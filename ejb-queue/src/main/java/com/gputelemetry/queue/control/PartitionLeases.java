package com.gputelemetry.queue.control;

import com.gputelemetry.queue.entity.GroupMember;
import com.gputelemetry.queue.entity.GroupMemberId;
import com.gputelemetry.queue.entity.GroupPartitionId;
import com.gputelemetry.queue.entity.PartitionLease;
import jakarta.ejb.Stateless;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import java.util.List;
import java.util.Set;

/** The lease table: heartbeats, balancing and release, each in a transaction of its own. */
@Stateless
public class PartitionLeases {

    @PersistenceContext(unitName = "telemetry")
    EntityManager em;

    /** Creates the group's lease rows; idempotent, and a concurrent creation elsewhere fails alone. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void ensure(String group, String topic, int partitions) {
        for (int partition = 0; partition < partitions; partition++) {
            if (em.find(PartitionLease.class, new GroupPartitionId(group, topic, partition)) == null) {
                em.persist(new PartitionLease(group, topic, partition));
            }
        }
    }

    /**
     * Beats this instance's heart and rebalances under a lock on the group's lease rows, so that instances take
     * their turns.
     *
     * @return the partitions this instance may deliver until the next call
     */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public Set<Integer> balance(String group, String topic, String instance, long ttlMillis) {
        long now = System.currentTimeMillis();
        List<PartitionLease> leases = em.createQuery(
                        "SELECT l FROM PartitionLease l WHERE l.group = :group AND l.topic = :topic ORDER BY l.partition",
                        PartitionLease.class)
                .setParameter("group", group)
                .setParameter("topic", topic)
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultList();
        GroupMember me = em.find(GroupMember.class, new GroupMemberId(group, topic, instance));
        if (me == null) {
            me = new GroupMember(group, topic, instance);
            em.persist(me);
        }
        me.beat(now);
        List<GroupMember> members = em.createQuery(
                        "SELECT m FROM GroupMember m WHERE m.group = :group AND m.topic = :topic", GroupMember.class)
                .setParameter("group", group)
                .setParameter("topic", topic)
                .getResultList();
        int live = (int) members.stream().filter(m -> m.isAlive(now, ttlMillis)).count();
        // Members long gone only take up space.
        members.stream().filter(m -> !m.isAlive(now, 100 * ttlMillis)).forEach(em::remove);
        return LeaseBalancer.balance(leases, instance, Math.max(1, live), now, ttlMillis);
    }

    /** Gives this instance's leases back at once (on shutdown), so that others need not wait for them to expire. */
    @TransactionAttribute(TransactionAttributeType.REQUIRES_NEW)
    public void releaseAll(String group, String topic, String instance) {
        em.createQuery(
                        "SELECT l FROM PartitionLease l WHERE l.group = :group AND l.topic = :topic AND l.owner = :me",
                        PartitionLease.class)
                .setParameter("group", group)
                .setParameter("topic", topic)
                .setParameter("me", instance)
                .getResultList()
                .forEach(PartitionLease::release);
        GroupMember me = em.find(GroupMember.class, new GroupMemberId(group, topic, instance));
        if (me != null) {
            em.remove(me);
        }
    }
}
