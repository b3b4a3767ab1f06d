package com.gputelemetry.queue.control;

import com.gputelemetry.queue.boundary.MessageQueue;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.DependsOn;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Keeps the queue's log for {@code QUEUE_RETENTION_MINUTES} after every group subscribed here has processed it, and
 * deletes older records in the background, every {@code QUEUE_RETENTION_CHECK_SECONDS}: room to replay, a bounded
 * disk. What a reader outside the groups on this server still has to read (the live feed) is kept too.
 */
@Singleton
@Startup
@DependsOn("MessageQueue")
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class QueueRetention {

    private static final Logger LOG = Logger.getLogger(QueueRetention.class.getName());

    @EJB
    MessageQueue queue;

    @EJB
    Retention retention;

    @Inject
    QueueSettings settings;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private ScheduledFuture<?> timer;

    @PostConstruct
    void start() {
        long every = settings.retentionCheckSeconds();
        timer = scheduler.scheduleWithFixedDelay(this::apply, every, every, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        timer.cancel(false);
    }

    private void apply() {
        forgetOldOnceKeys();
        long cutoff = System.currentTimeMillis()
                - Duration.ofMinutes(settings.retentionMinutes()).toMillis();
        queue.topics().forEach((topic, partitions) -> {
            List<String> active = queue.subscribedGroups(topic);
            long deleted = 0;
            try {
                for (int partition = 0; partition < partitions; partition++) {
                    deleted += retention.purge(topic, partition, active, cutoff, queue.heldFrom(topic, partition));
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "retention on " + topic + " failed; trying again later", e);
            }
            if (deleted > 0) {
                long total = deleted;
                LOG.info(() -> "retention deleted " + total + " records of " + topic);
            }
        });
    }

    private void forgetOldOnceKeys() {
        long cutoff = System.currentTimeMillis()
                - Duration.ofHours(settings.onceKeysHours()).toMillis();
        try {
            int forgotten = retention.forgetOnceKeys(MessageQueue.ONCE_PREFIX, cutoff);
            if (forgotten > 0) {
                LOG.fine(() -> "retention forgot " + forgotten + " keys of one-off batches");
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "forgetting old keys of one-off batches failed; trying again later", e);
        }
    }
}
