package com.gputelemetry.queue.control;

import com.gputelemetry.queue.entity.LogRecord;
import com.gputelemetry.queue.entity.OutOfOrderCommitException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One worker of a consumer group: drains the partitions it owns, in offset order, one record per transaction.
 * It holds no thread: a wake-up submits one drain task to the managed executor, and at most one task per worker runs
 * at a time, which keeps each partition's records in order. A record that keeps failing is retried with exponential
 * backoff and, after the group's last attempt, moved to the dead letters so that the partition keeps flowing.
 */
class PartitionWorker {

    private static final Logger LOG = Logger.getLogger(PartitionWorker.class.getName());
    private static final int RECORDS_PER_PASS = 32;
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 30_000;

    private final Subscription subscription;
    private final List<Integer> partitions;
    private final IntPredicate leased;

    private final AtomicBoolean scheduled = new AtomicBoolean();
    private volatile boolean pending;
    private volatile boolean stopped;

    // Touched only by the single running drain task.
    private final Map<Integer, Long> positions = new HashMap<>();
    private final Map<Integer, Retry> retries = new HashMap<>();

    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong redeliveries = new AtomicLong();
    private final AtomicLong deadLetters = new AtomicLong();
    private volatile String lastError;

    /** @param leased whether this server holds the lease of a partition right now */
    PartitionWorker(Subscription subscription, List<Integer> partitions, IntPredicate leased) {
        this.subscription = subscription;
        this.partitions = List.copyOf(partitions);
        this.leased = leased;
    }

    boolean owns(int partition) {
        return partitions.contains(partition);
    }

    void wake() {
        pending = true;
        if (!stopped && scheduled.compareAndSet(false, true)) {
            subscription.executor().execute(this::drain);
        }
    }

    void stop() {
        stopped = true;
    }

    WorkerStatus status() {
        return new WorkerStatus(delivered.get(), redeliveries.get(), deadLetters.get(), lastError);
    }

    private void drain() {
        try {
            pending = false;
            for (int partition : partitions) {
                if (stopped) {
                    return;
                }
                if (!leased.test(partition)) {
                    positions.remove(partition);
                    continue;
                }
                if (drainPartition(partition)) {
                    pending = true;
                }
            }
        } catch (RuntimeException e) {
            // Reading failed (database unavailable?): the queue's periodic wake-up tries again.
            lastError = e.toString();
            positions.clear();
            LOG.log(Level.WARNING, "group {0} on {1}: reading failed: {2}", new Object[] {
                subscription.group(), subscription.topic(), e
            });
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
        PartitionDelivery delivery = subscription.delivery();
        long from = positions.computeIfAbsent(
                partition, p -> delivery.committedOffset(subscription.group(), subscription.topic(), p));
        List<LogRecord> records = delivery.read(subscription.topic(), partition, from, RECORDS_PER_PASS);
        for (LogRecord record : records) {
            if (stopped) {
                return false;
            }
            try {
                delivery.deliver(subscription.group(), record, subscription.listener());
            } catch (OutOfOrderCommitException e) {
                // Another worker (a rebalance, another server) got there first: carry on from the committed offset.
                positions.remove(partition);
                return true;
            } catch (RuntimeException e) {
                positions.remove(partition);
                lastError = e.toString();
                Retry next = retry == null ? Retry.first() : retry.next();
                if (next.attempt() >= subscription.maxAttempts()) {
                    giveUp(record, next.attempt(), e);
                    retries.remove(partition);
                    return true;
                }
                redeliveries.incrementAndGet();
                retries.put(partition, next);
                LOG.log(
                        Level.WARNING,
                        "group {0}: delivery of {1}/{2}@{3} failed (attempt {4}), retrying in {5} ms: {6}",
                        new Object[] {
                            subscription.group(),
                            record.topic(),
                            partition,
                            record.offset(),
                            next.attempt(),
                            next.delayMillis(),
                            e
                        });
                return false;
            }
            positions.put(partition, record.offset() + 1);
            retries.remove(partition);
            retry = null;
            delivered.incrementAndGet();
        }
        return records.size() == RECORDS_PER_PASS;
    }

    private void giveUp(LogRecord record, int attempts, RuntimeException error) {
        subscription.delivery().deadLetter(subscription.group(), record, attempts, rootCause(error));
        deadLetters.incrementAndGet();
        LOG.log(
                Level.SEVERE,
                "group {0}: {1}/{2}@{3} failed {4} times and went to the dead letters: {5}",
                new Object[] {subscription.group(), record.topic(), record.partition(), record.offset(), attempts, error
                });
    }

    private static String rootCause(Throwable error) {
        Throwable cause = error;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.toString();
    }

    /** Exponential backoff for a partition whose head record failed. */
    private record Retry(int attempt, long delayMillis, long notBeforeMillis) {

        static Retry first() {
            return new Retry(1, FIRST_BACKOFF_MILLIS, System.currentTimeMillis() + FIRST_BACKOFF_MILLIS);
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
