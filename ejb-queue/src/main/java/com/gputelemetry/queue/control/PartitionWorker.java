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
 * One worker of a consumer group: drains the partitions it owns, in offset order, several records per transaction.
 * It holds no thread: a wake-up submits one drain task to the managed executor, and at most one task per worker runs
 * at a time, which keeps each partition's records in order. A record that keeps failing is retried with exponential
 * backoff and, after the group's last attempt, moved to the dead letters so that the partition keeps flowing.
 */
class PartitionWorker {

    private static final Logger LOG = Logger.getLogger(PartitionWorker.class.getName());
    private static final int RECORDS_PER_PASS = 32;
    /**
     * Payload characters delivered in one transaction at most: several records share its fixed costs (the offset's
     * row lock, the listener's lookups, the commit), as Kafka's consumers take several records per poll.
     */
    private static final int CHARS_PER_TRANSACTION = 1_000_000;

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
    /** Per partition, the last offset of a failed multi-record transaction: up to it, records go one by one. */
    private final Map<Integer, Long> oneByOneThrough = new HashMap<>();

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
        int next = 0;
        while (next < records.size()) {
            if (stopped) {
                return false;
            }
            boolean alone = retry != null || records.get(next).offset() <= oneByOneThrough.getOrDefault(partition, -1L);
            List<LogRecord> transaction = alone ? records.subList(next, next + 1) : transaction(records, next);
            try {
                delivery.deliver(subscription.group(), transaction, subscription.listener());
            } catch (OutOfOrderCommitException e) {
                // Another worker (a rebalance, another server) got there first: carry on from the committed offset.
                positions.remove(partition);
                return true;
            } catch (RuntimeException e) {
                if (transaction.size() > 1) {
                    // One of them may be poison: these records go again one per transaction, right away, so that only
                    // that one is retried and, in the end, dead-lettered.
                    oneByOneThrough.put(
                            partition, transaction.get(transaction.size() - 1).offset());
                    continue;
                }
                LogRecord record = transaction.get(0);
                positions.remove(partition);
                lastError = e.toString();
                Retry failed = retry == null ? Retry.first() : retry.next();
                if (failed.attempt() >= subscription.maxAttempts()) {
                    giveUp(record, failed.attempt(), e);
                    retries.remove(partition);
                    return true;
                }
                redeliveries.incrementAndGet();
                retries.put(partition, failed);
                LOG.log(
                        Level.WARNING,
                        "group {0}: delivery of {1}/{2}@{3} failed (attempt {4}), retrying in {5} ms: {6}",
                        new Object[] {
                            subscription.group(),
                            record.topic(),
                            partition,
                            record.offset(),
                            failed.attempt(),
                            failed.delayMillis(),
                            e
                        });
                return false;
            }
            LogRecord last = transaction.get(transaction.size() - 1);
            positions.put(partition, last.offset() + 1);
            if (oneByOneThrough.getOrDefault(partition, -1L) <= last.offset()) {
                oneByOneThrough.remove(partition);
            }
            retries.remove(partition);
            retry = null;
            delivered.addAndGet(transaction.size());
            next += transaction.size();
        }
        return records.size() == RECORDS_PER_PASS;
    }

    /** The records from {@code first} on that one transaction delivers: as many as fit the payload bound, one at least. */
    private static List<LogRecord> transaction(List<LogRecord> records, int first) {
        int end = first + 1;
        long chars = records.get(first).payload().length();
        while (end < records.size() && chars + records.get(end).payload().length() <= CHARS_PER_TRANSACTION) {
            chars += records.get(end).payload().length();
            end++;
        }
        return records.subList(first, end);
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
