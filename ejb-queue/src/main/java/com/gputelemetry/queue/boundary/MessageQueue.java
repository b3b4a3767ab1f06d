package com.gputelemetry.queue.boundary;

import com.gputelemetry.queue.control.ConsumerGroup;
import com.gputelemetry.queue.control.GroupStatus;
import com.gputelemetry.queue.control.PartitionDelivery;
import com.gputelemetry.queue.control.Partitioner;
import com.gputelemetry.queue.control.TopicCreation;
import com.gputelemetry.queue.entity.PartitionId;
import com.gputelemetry.queue.entity.PartitionLog;
import com.gputelemetry.queue.entity.ProducerState;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.ConcurrencyManagement;
import jakarta.ejb.ConcurrencyManagementType;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
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
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;

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

    @Inject
    @ConfigProperty(name = "queue.partitions", defaultValue = "16")
    int partitions;

    @Inject
    @ConfigProperty(name = "queue.poll-interval-ms", defaultValue = "1000")
    long pollIntervalMillis;

    private final Map<String, ConsumerGroup> groups = new ConcurrentHashMap<>();
    private final Set<String> topics = ConcurrentHashMap.newKeySet();
    private ScheduledFuture<?> poller;
    private volatile long lastPollMillis;

    @PostConstruct
    void start() {
        // Appends on this server wake their consumers at once; the poll picks up appends made by other server
        // instances on the same database and retries partitions that are backing off.
        poller = scheduler.scheduleWithFixedDelay(
                this::poll, pollIntervalMillis, pollIntervalMillis, TimeUnit.MILLISECONDS);
        lastPollMillis = System.currentTimeMillis();
    }

    @PreDestroy
    void stop() {
        poller.cancel(false);
        groups.values().forEach(ConsumerGroup::stop);
    }

    public Partitioner partitioner() {
        return new Partitioner(partitions);
    }

    /**
     * Appends the messages durably, in one transaction with the producer's sequence. A batch whose sequence the
     * producer has used before is acknowledged as a duplicate and not appended again.
     */
    public PublishReceipt publish(String topic, String producerId, long sequence, List<PartitionedMessage> messages) {
        ensureTopic(topic);
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
        for (var entry : byPartition.entrySet()) {
            PartitionLog log = lockPartition(topic, entry.getKey());
            entry.getValue().forEach(message -> em.persist(log.append(message.payload(), now)));
        }
        wakeAfterCommit(topic, byPartition.keySet());
        return new PublishReceipt(messages.size(), false);
    }

    /** Subscribes a consumer group to a topic; its workers start delivering from the group's committed offsets. */
    public void subscribe(String group, String topic, int workers, MessageListener listener) {
        ensureTopic(topic);
        var consumers = new ConsumerGroup(group, topic, partitions, workers, delivery, listener, executor);
        ConsumerGroup previous = groups.put(group + "\u0000" + topic, consumers);
        if (previous != null) {
            previous.stop();
        }
        consumers.wakeAll();
    }

    public List<GroupStatus> groups() {
        return groups.values().stream().map(ConsumerGroup::status).toList();
    }

    /** Milliseconds since the dispatcher's periodic wake-up last ran: large means dispatch has stalled. */
    public long millisSinceLastPoll() {
        return System.currentTimeMillis() - lastPollMillis;
    }

    private PartitionLog lockPartition(String topic, int partition) {
        return em.find(PartitionLog.class, new PartitionId(topic, partition), LockModeType.PESSIMISTIC_WRITE);
    }

    private void ensureTopic(String topic) {
        if (!topics.contains(topic)) {
            synchronized (topics) {
                if (!topics.contains(topic)) {
                    topicCreation.ensurePartitions(topic, partitions);
                    topics.add(topic);
                }
            }
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
        groups.values().forEach(ConsumerGroup::wakeAll);
    }
}
