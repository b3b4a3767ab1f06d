package com.gputelemetry.queue.control;

import com.gputelemetry.queue.boundary.MessageListener;
import com.gputelemetry.queue.entity.LogRecord;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One worker of a consumer group: drains the partitions it owns, in offset order, one record per transaction.
 * It holds no thread: a wake-up submits one drain task to the managed executor, and at most one task per worker runs
 * at a time, which keeps each partition's records in order.
 */
class PartitionWorker {

    private static final Logger LOG = Logger.getLogger(PartitionWorker.class.getName());
    private static final int RECORDS_PER_PASS = 32;
    private static final long MAX_BACKOFF_MILLIS = 30_000;

    private final String group;
    private final String topic;
    private final List<Integer> partitions;
    private final PartitionDelivery delivery;
    private final MessageListener listener;
    private final Executor executor;

    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean pending;
    private volatile boolean stopped;

    // Touched only by the single running drain task.
    private final Map<Integer, Long> positions = new HashMap<>();
    private final Map<Integer, Retry> retries = new HashMap<>();

    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private volatile String lastError;

    PartitionWorker(
            String group,
            String topic,
            List<Integer> partitions,
            PartitionDelivery delivery,
            MessageListener listener,
            Executor executor) {
        this.group = group;
        this.topic = topic;
        this.partitions = List.copyOf(partitions);
        this.delivery = delivery;
        this.listener = listener;
        this.executor = executor;
    }

    boolean owns(int partition) {
        return partitions.contains(partition);
    }

    void wake() {
        pending = true;
        if (!stopped && scheduled.compareAndSet(false, true)) {
            executor.execute(this::drain);
        }
    }

    void stop() {
        stopped = true;
    }

    long delivered() {
        return delivered.get();
    }

    long failures() {
        return failures.get();
    }

    String lastError() {
        return lastError;
    }

    private void drain() {
        try {
            pending = false;
            for (int partition : partitions) {
                if (stopped) {
                    return;
                }
                if (drainPartition(partition)) {
                    pending = true;
                }
            }
        } catch (RuntimeException e) {
            // Reading failed (database unavailable?): the queue's periodic wake-up tries again.
            lastError = e.toString();
            positions.clear();
            LOG.log(Level.WARNING, "group {0} on {1}: reading failed: {2}", new Object[] {group, topic, e});
        } finally {
            scheduled.set(false);
            if (pending && !stopped) {
                wake();
            }
        }
    }

    /** Delivers what is waiting in one partition; true when more may be waiting already. */
    private boolean drainPartition(int partition) {
        Retry retry = retries.get(partition);
        if (retry != null && !retry.due()) {
            return false;
        }
        long from = positions.computeIfAbsent(partition, p -> delivery.committedOffset(group, topic, p));
        List<LogRecord> records = delivery.read(topic, partition, from, RECORDS_PER_PASS);
        for (LogRecord record : records) {
            try {
                delivery.deliver(group, record, listener);
            } catch (RuntimeException e) {
                failures.incrementAndGet();
                lastError = e.toString();
                positions.remove(partition);
                Retry next = retry == null ? Retry.first() : retry.next();
                retries.put(partition, next);
                LOG.log(
                        Level.WARNING,
                        "group {0}: delivery of {1}/{2}@{3} failed (attempt {4}), retrying in {5} ms: {6}",
                        new Object[] {group, topic, partition, record.offset(), next.attempt(), next.delayMillis(), e});
                return false;
            }
            positions.put(partition, record.offset() + 1);
            retries.remove(partition);
            retry = null;
            delivered.incrementAndGet();
        }
        return records.size() == RECORDS_PER_PASS;
    }

    /** Exponential backoff for a partition whose head record failed. */
    private record Retry(int attempt, long delayMillis, long notBeforeMillis) {

        static Retry first() {
            return new Retry(1, 100, System.currentTimeMillis() + 100);
        }

        Retry next() {
            long delay = Math.min(MAX_BACKOFF_MILLIS, delayMillis * 2);
            return new Retry(attempt + 1, delay, System.currentTimeMillis() + delay);
        }

        boolean due() {
            return System.currentTimeMillis() >= notBeforeMillis;
        }
    }
}
