package com.gputelemetry.telemetry.control;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keeps telemetry points for {@code TELEMETRY_RETENTION} (e.g. {@code 30d}) and deletes older ones in the background;
 * without the setting everything is kept. GPUs stay listed with their first and last report.
 */
@Singleton
@Startup
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class TelemetryRetention {

    private static final Logger LOG = Logger.getLogger(TelemetryRetention.class.getName());
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})([smhd])");
    /** Points deleted in one transaction. */
    static final int CHUNK = 5_000;

    @EJB
    TelemetryPurge purge;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "TELEMETRY_RETENTION")
    Optional<String> retention;

    @Inject
    @ConfigProperty(name = "TELEMETRY_RETENTION_CHECK_SECONDS")
    long checkSeconds;

    private ScheduledFuture<?> timer;

    @PostConstruct
    void start() {
        Optional<Duration> keep = retention.filter(text -> !text.isBlank()).map(TelemetryRetention::parse);
        if (keep.isEmpty()) {
            LOG.info("telemetry retention: every point is kept (TELEMETRY_RETENTION not set)");
            return;
        }
        LOG.info(() -> "telemetry retention: points older than " + retention.get() + " are deleted, checked every "
                + checkSeconds + " s");
        timer = scheduler.scheduleWithFixedDelay(
                () -> purgeOlderThan(keep.get()), checkSeconds, checkSeconds, TimeUnit.SECONDS);
    }

    /** A duration such as 90s, 45m, 12h or 30d. */
    static Duration parse(String text) {
        Matcher matcher = DURATION.matcher(text.strip());
        if (!matcher.matches() || Long.parseLong(matcher.group(1)) == 0) {
            throw new IllegalArgumentException(
                    "TELEMETRY_RETENTION must be a number and a unit (s, m, h, d), e.g. 30d, not '" + text + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private void purgeOlderThan(Duration keep) {
        long before = (System.currentTimeMillis() - keep.toMillis()) * 1000;
        long deleted = 0;
        try {
            for (String gpu : purge.gpusSeenBefore(before)) {
                int chunk;
                do {
                    chunk = purge.deleteOlder(gpu, before, CHUNK);
                    deleted += chunk;
                } while (chunk == CHUNK);
                purge.deleteEndsOlder(gpu, before);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "telemetry retention failed; trying again at the next check", e);
        }
        if (deleted > 0) {
            long total = deleted;
            LOG.info(() -> "telemetry retention deleted " + total + " points older than " + retention.get());
        }
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
