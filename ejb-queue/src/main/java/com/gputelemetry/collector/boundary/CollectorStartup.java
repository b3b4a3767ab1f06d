package com.gputelemetry.collector.boundary;

import com.gputelemetry.queue.boundary.MessageListener;
import com.gputelemetry.queue.boundary.MessageQueue;
import com.gputelemetry.telemetry.entity.TelemetryRow;
import jakarta.annotation.PostConstruct;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.inject.Inject;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** Subscribes the collectors to the telemetry topic when the application starts. */
@Singleton
@Startup
public class CollectorStartup {

    public static final String GROUP = "collectors";
    private static final Logger LOG = Logger.getLogger(CollectorStartup.class.getName());

    @EJB
    MessageQueue queue;

    @EJB(beanName = "TelemetryCollector")
    MessageListener collector;

    @Inject
    @ConfigProperty(name = "COLLECTOR_WORKERS")
    int workers;

    @PostConstruct
    void subscribe() {
        queue.subscribe(GROUP, TelemetryRow.TOPIC, workers, collector);
        LOG.info(() -> "collectors subscribed to topic " + TelemetryRow.TOPIC + " with " + workers + " workers");
    }
}
