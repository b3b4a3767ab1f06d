package com.gputelemetry.queue.control;

import com.gputelemetry.queue.boundary.MessageListener;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.stream.IntStream;

/** A consumer group's subscription to one topic on this server: its workers and how the partitions are shared out. */
public class ConsumerGroup {

    private final String name;
    private final String topic;
    private final List<PartitionWorker> workers;

    public ConsumerGroup(
            String name,
            String topic,
            int partitions,
            int workerCount,
            PartitionDelivery delivery,
            MessageListener listener,
            Executor executor) {
        if (workerCount < 1) {
            throw new IllegalArgumentException("a consumer group needs at least one worker, not " + workerCount);
        }
        this.name = name;
        this.topic = topic;
        this.workers = new ArrayList<>();
        for (int w = 0; w < workerCount; w++) {
            int worker = w;
            List<Integer> owned = IntStream.range(0, partitions)
                    .filter(p -> p % workerCount == worker)
                    .boxed()
                    .toList();
            workers.add(new PartitionWorker(name, topic, owned, delivery, listener, executor));
        }
    }

    public String name() {
        return name;
    }

    public String topic() {
        return topic;
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
        return new GroupStatus(
                name,
                topic,
                workers.size(),
                workers.stream().mapToLong(PartitionWorker::delivered).sum(),
                workers.stream().mapToLong(PartitionWorker::failures).sum(),
                workers.stream()
                        .map(PartitionWorker::lastError)
                        .filter(e -> e != null)
                        .findFirst()
                        .orElse(null));
    }
}
