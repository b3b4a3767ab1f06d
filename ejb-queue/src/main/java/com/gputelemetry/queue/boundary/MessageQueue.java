package com.gputelemetry.queue.boundary;

import com.gputelemetry.queue.control.Backpressure;
import com.gputelemetry.queue.control.ConsumerGroup;
import com.gputelemetry.queue.control.GroupStatus;
import com.gputelemetry.queue.control.PartitionDelivery;
import com.gputelemetry.queue.control.PartitionLeases;
import com.gputelemetry.queue.control.Partitioner;
import com.gputelemetry.queue.control.QueueSettings;
import com.gputelemetry.queue.control.Subscription;
import com.gputelemetry.queue.control.TopicCreation;
import com.gputelemetry.queue.entity.PartitionLog;
import com.gputelemetry.queue.entity.ProducerState;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.persistence.PersistenceContext;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The message queue: topics split into partitions, each an append-only log persisted with JPA, and consumer groups
 * whose workers are dispatched on the managed executor. Concurrency is left to the database: publishers lock the
 * partition rows they append to (always in ascending order, so they cannot deadlock), which also keeps several
 * server instances on one database consistent.
 */
@Singleton
@Startup
@DependsOn("SchemaMigrations")
@ConcurrencyManagement(ConcurrencyManagementType.BEAN)
public class MessageQueue {

    /** Where the keys of one-off batches live among the producers' ids; no producer may take an id starting so. */
    public static final String ONCE_PREFIX = "once:";

    private static final Logger LOG = Logger.getLogger(MessageQueue.class.getName());

    @PersistenceContext(unitName = "telemetry")
    EntityManager em;

    @Resource
    TransactionSynchronizationRegistry transactions;

    @Resource
    ManagedExecutorService executor;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @EJB
    PartitionDelivery delivery;

    @EJB
    TopicCreation topicCreation;

    @EJB
    PartitionLeases leases;

    @EJB
    Backpressure backpressure;

    @Inject
    QueueSettings settings;

    private String instanceId;
    private final Map<String, ConsumerGroup> groups = new ConcurrentHashMap<>();
    /** The topics this server has seen, with their partition counts. */
    private final Map<String, Integer> topics = new ConcurrentHashMap<>();

    private final Map<String, Supplier<long[]>> holds = new ConcurrentHashMap<>();

    private final List<ScheduledFuture<?>> timers = new ArrayList<>();
    private volatile long lastPollMillis;

    @PostConstruct
    void start() {
        instanceId = settings.instanceId().orElseGet(() -> "server-" + UUID.randomUUID());
        // Appends on this server wake their consumers at once; the poll picks up appends made by other server
        // instances on the same database and retries partitions that are backing off.
        long poll = settings.pollIntervalMillis();
        timers.add(scheduler.scheduleWithFixedDelay(this::poll, poll, poll, TimeUnit.MILLISECONDS));
        lastPollMillis = System.currentTimeMillis();
    }

    @PreDestroy
    void stop() {
        timers.forEach(timer -> timer.cancel(false));
        for (ConsumerGroup group : groups.values()) {
            group.stop();
            try {
                leases.releaseAll(group.name(), group.topic(), instanceId);
                LOG.info(() -> "stopped: " + instanceId + " handed back its partitions of " + group.name() + " on "
                        + group.topic());
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not hand back the leases of " + group.name() + "; they expire", e);
            }
        }
    }

    public Partitioner partitioner(String topic) {
        return new Partitioner(ensureTopic(topic));
    }

    /**
     * Appends a batch that has a key of its own instead of a producer and a sequence (a request that a client retries
     * whole, such as Prometheus' remote write): a batch whose key was used before is acknowledged as a duplicate and
     * not appended again. Keys are remembered for {@code QUEUE_ONCE_KEYS_HOURS}.
     *
     * @throws QueueFullException as {@link #publish}
     */
    public PublishReceipt publishOnce(String topic, String batchKey, List<PartitionedMessage> messages) {
        return publish(topic, ONCE_PREFIX + batchKey, 0, messages);
    }

    /**
     * Appends the messages durably, in one transaction with the producer's sequence. A batch whose sequence the
     * producer has used before is acknowledged as a duplicate and not appended again.
     *
     * @throws QueueFullException when a consumer group lags too far behind on one of the partitions: nothing is stored
     */
    public PublishReceipt publish(String topic, String producerId, long sequence, List<PartitionedMessage> messages) {
        int partitions = ensureTopic(topic);
        long now = System.currentTimeMillis();
        ProducerState producer = em.find(ProducerState.class, producerId, LockModeType.PESSIMISTIC_WRITE);
        if (producer == null) {
            producer = new ProducerState(producerId);
            em.persist(producer);
        }
        if (!producer.accept(sequence, now)) {
            return PublishReceipt.duplicateBatch();
        }
        Map<Integer, List<PartitionedMessage>> byPartition = new TreeMap<>();
        for (PartitionedMessage message : messages) {
            if (message.partition() < 0 || message.partition() >= partitions) {
                throw new IllegalArgumentException("partition " + message.partition() + " does not exist");
            }
            byPartition
                    .computeIfAbsent(message.partition(), p -> new ArrayList<>())
                    .add(message);
        }
        Map<Integer, PartitionLog> logs = lockedPartitions(topic, byPartition.keySet());
        Map<Integer, Long> headsAfterAppend = new TreeMap<>();
        byPartition.forEach((partition, batch) ->
                headsAfterAppend.put(partition, logs.get(partition).nextOffset() + batch.size()));
        backpressure.check(topic, subscribedGroups(topic), headsAfterAppend, settings.maxLag());
        byPartition.forEach((partition, batch) ->
                batch.forEach(message -> em.persist(logs.get(partition).append(message.payload(), now))));
        wakeAfterCommit(topic, byPartition.keySet());
        return new PublishReceipt(messages.size(), false);
    }

    /**
     * Locks the partitions' heads in one statement, in ascending order (the sort comes before the locking): every
     * publisher holds these locks until its commit, so each round trip saved here is time the others do not wait.
     */
    private Map<Integer, PartitionLog> lockedPartitions(String topic, Set<Integer> partitions) {
        Map<Integer, PartitionLog> logs = new TreeMap<>();
        em.createQuery(
                        "SELECT p FROM PartitionLog p WHERE p.topic = :topic AND p.partition IN :partitions"
                                + " ORDER BY p.partition",
                        PartitionLog.class)
                .setParameter("topic", topic)
                .setParameter("partitions", List.copyOf(partitions))
                .setLockMode(LockModeType.PESSIMISTIC_WRITE)
                .getResultList()
                .forEach(log -> logs.put(log.partition(), log));
        if (logs.size() != partitions.size()) {
            throw new IllegalStateException("topic " + topic + " lacks some of the partitions " + partitions);
        }
        return logs;
    }

    /** Subscribes a consumer group to a topic; its workers start delivering from the group's committed offsets. */
    public void subscribe(String group, String topic, int workers, MessageListener listener) {
        int partitions = ensureTopic(topic);
        ensureGroupRows(group, topic, partitions);
        var subscription = new Subscription(group, topic, listener, settings.maxAttempts(), delivery, executor);
        var consumers = new ConsumerGroup(subscription, partitions, workers);
        consumers.lease(leases.balance(group, topic, instanceId, settings.leaseTtlMillis()));
        replace(consumers);
    }

    private void ensureGroupRows(String group, String topic, int partitions) {
        try {
            leases.ensure(group, topic, partitions);
            delivery.ensureOffsets(group, topic, partitions);
        } catch (EJBException e) {
            // Another server subscribed the same group at the same moment and its rows won; they exist now.
            LOG.info(() -> "group " + group + " on " + topic + " was being created elsewhere too: " + e);
            leases.ensure(group, topic, partitions);
            delivery.ensureOffsets(group, topic, partitions);
        }
    }

    /** Changes the number of workers of a subscribed group; the partitions are shared out anew. */
    public Optional<GroupStatus> resize(String group, String topic, int workers) {
        ConsumerGroup current = groups.get(key(group, topic));
        if (current == null) {
            return Optional.empty();
        }
        ConsumerGroup resized = current.resized(workers);
        replace(resized);
        LOG.info(() -> "group " + group + " on " + topic + " now has " + workers + " workers");
        return Optional.of(resized.status());
    }

    /**
     * Hands a dead letter to its group's listener on this server again.
     *
     * @return false when there is no such dead letter or its group is not subscribed here
     */
    public boolean replay(long deadLetterId, String group, String topic) {
        ConsumerGroup consumers = groups.get(key(group, topic));
        return consumers != null
                && delivery.replay(deadLetterId, consumers.subscription().listener());
    }

    public List<GroupStatus> groups() {
        return groups.values().stream().map(ConsumerGroup::status).toList();
    }

    /** Milliseconds since the dispatcher's periodic wake-up last ran: large means dispatch has stalled. */
    public long millisSinceLastPoll() {
        return System.currentTimeMillis() - lastPollMillis;
    }

    private void replace(ConsumerGroup consumers) {
        // Workers of the old and the new assignment may overlap for a moment: the committed offset's row lock and
        // its strict +1 rule let only one of them commit each record.
        ConsumerGroup previous = groups.put(key(consumers.name(), consumers.topic()), consumers);
        if (previous != null) {
            previous.stop();
        }
        consumers.wakeAll();
    }

    private static String key(String group, String topic) {
        return group + "\u0000" + topic;
    }

    /** The groups subscribed to the topic on this server. */
    public List<String> subscribedGroups(String topic) {
        return groups.values().stream()
                .filter(g -> g.topic().equals(topic))
                .map(ConsumerGroup::name)
                .toList();
    }

    /** Creates the topic's partitions on first use; an existing topic keeps the count it was created with. */
    private int ensureTopic(String topic) {
        Integer known = topics.get(topic);
        if (known != null) {
            return known;
        }
        synchronized (topics) {
            return topics.computeIfAbsent(topic, t -> {
                try {
                    return topicCreation.ensurePartitions(t, settings.partitions(t));
                } catch (EJBException e) {
                    // Another server created the topic at the same moment and its rows won; they exist now.
                    LOG.info(() -> "topic " + t + " was being created elsewhere too: " + e);
                    return topicCreation.ensurePartitions(t, settings.partitions(t));
                }
            });
        }
    }

    private void wakeAfterCommit(String topic, Set<Integer> touched) {
        Set<Integer> partitionsToWake = new TreeSet<>(touched);
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {}

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    groups.values().stream()
                            .filter(g -> g.topic().equals(topic))
                            .forEach(g -> partitionsToWake.forEach(g::wake));
                }
            }
        });
    }

    private void poll() {
        lastPollMillis = System.currentTimeMillis();
        for (ConsumerGroup group : groups.values()) {
            try {
                group.lease(leases.balance(group.name(), group.topic(), instanceId, settings.leaseTtlMillis()));
            } catch (RuntimeException e) {
                // Keep what we hold until the next tick; a lease we fail to renew simply expires.
                LOG.log(Level.WARNING, "lease renewal for " + group.name() + " failed: " + e);
            }
            group.wakeAll();
        }
    }

    /** This server's name among the servers that share the database. */
    public String instanceId() {
        return instanceId;
    }

    /**
     * Lets a reader on this server that is not a consumer group (the live feed, which follows what the groups have
     * processed) hold the log from its positions on: retention keeps what it has not read, however soon after
     * processing it would delete it otherwise.
     *
     * @param positions the next offset the reader reads in each partition; null while it reads nothing
     */
    public void hold(String topic, Supplier<long[]> positions) {
        holds.put(topic, positions);
    }

    /** The oldest offset of the partition a reader holds; {@code Long.MAX_VALUE} when none does. */
    public long heldFrom(String topic, int partition) {
        Supplier<long[]> reader = holds.get(topic);
        long[] positions = reader == null ? null : reader.get();
        return positions == null || partition >= positions.length ? Long.MAX_VALUE : positions[partition];
    }

    /** The topics this server has used, with their partition counts. */
    public Map<String, Integer> topics() {
        return Map.copyOf(topics);
    }
}
