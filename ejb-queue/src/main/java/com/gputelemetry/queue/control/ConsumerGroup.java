package com.gputelemetry.queue.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;

/**
 * A consumer group's subscription to one topic on this server: its workers and how the partitions are shared out
 * (partition p goes to worker p mod n). Workers deliver only the partitions whose lease this server holds.
 * Resizing replaces the workers; the committed offsets, the leases and the counts of what was delivered carry over.
 */
public class ConsumerGroup {

    private final Subscription subscription;
    private final int partitions;
    private final List<PartitionWorker> workers;
    /**
     * The workers of the size before, stopped (one may still finish its transaction), and what the workers of the
     * sizes before that counted: the group's counts only grow, and memory does not grow with the resizes.
     */
    private final List<PartitionWorker> previous;

    private final WorkerStatus carried;
    private volatile Set<Integer> leased;

    public ConsumerGroup(Subscription subscription, int partitions, int workerCount) {
        this(subscription, partitions, workerCount, Set.of(), List.of(), new WorkerStatus(0, 0, 0, null));
    }

    private ConsumerGroup(
            Subscription subscription,
            int partitions,
            int workerCount,
            Set<Integer> leased,
            List<PartitionWorker> previous,
            WorkerStatus carried) {
        if (workerCount < 1) {
            throw new IllegalArgumentException("a consumer group needs at least one worker, not " + workerCount);
        }
        this.subscription = subscription;
        this.partitions = partitions;
        this.leased = Set.copyOf(leased);
        this.previous = List.copyOf(previous);
        this.carried = carried;
        this.workers = new ArrayList<>();
        for (int w = 0; w < workerCount; w++) {
            int worker = w;
            List<Integer> owned = IntStream.range(0, partitions)
                    .filter(p -> p % workerCount == worker)
                    .boxed()
                    .toList();
            workers.add(new PartitionWorker(subscription, owned, p -> this.leased.contains(p)));
        }
    }

    /** The same group with another number of workers, sharing the partitions out anew. */
    public ConsumerGroup resized(int workerCount) {
        return new ConsumerGroup(subscription, partitions, workerCount, leased, workers, sum(carried, previous));
    }

    /** The partitions this server may deliver now; newly leased ones start at once. */
    public void lease(Set<Integer> partitionsLeased) {
        Set<Integer> before = leased;
        leased = Set.copyOf(partitionsLeased);
        partitionsLeased.stream().filter(p -> !before.contains(p)).forEach(this::wake);
    }

    public Set<Integer> leased() {
        return leased;
    }

    public String name() {
        return subscription.group();
    }

    public String topic() {
        return subscription.topic();
    }

    public Subscription subscription() {
        return subscription;
    }

    public void wake(int partition) {
        workers.stream().filter(w -> w.owns(partition)).forEach(PartitionWorker::wake);
    }

    public void wakeAll() {
        workers.forEach(PartitionWorker::wake);
    }

    public void stop() {
        workers.forEach(PartitionWorker::stop);
    }

    public GroupStatus status() {
        List<WorkerStatus> statuses =
                workers.stream().map(PartitionWorker::status).toList();
        WorkerStatus ever = sum(sum(carried, previous), workers);
        return new GroupStatus(
                name(),
                topic(),
                workers.size(),
                ever.delivered(),
                ever.redeliveries(),
                ever.deadLetters(),
                statuses.stream()
                        .map(WorkerStatus::lastError)
                        .filter(e -> e != null)
                        .findFirst()
                        .orElse(null));
    }

    private static WorkerStatus sum(WorkerStatus start, List<PartitionWorker> workers) {
        long delivered = start.delivered();
        long redeliveries = start.redeliveries();
        long deadLetters = start.deadLetters();
        for (PartitionWorker worker : workers) {
            WorkerStatus status = worker.status();
            delivered += status.delivered();
            redeliveries += status.redeliveries();
            deadLetters += status.deadLetters();
        }
        return new WorkerStatus(delivered, redeliveries, deadLetters, null);
    }
}
