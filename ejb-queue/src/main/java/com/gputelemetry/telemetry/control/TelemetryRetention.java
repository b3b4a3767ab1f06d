package com.gputelemetry.telemetry.control;

import com.gputelemetry.rollup.control.RollupBuilder;
import com.gputelemetry.rollup.entity.RollupTier;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Keeps telemetry points for {@code TELEMETRY_RETENTION} (e.g. {@code 30d}), minute rollups for {@code
 * TELEMETRY_RETENTION_1M} and hour rollups for {@code TELEMETRY_RETENTION_1H}, and deletes older ones in the
 * background by whole blocks (points and minutes by the hour, hours by the day); without a setting, that tier is kept
 * whole. Points the rollups are still to be built from are kept until
 * they are. GPUs stay listed with their first and last report.
 */
@Singleton
@Startup
@TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
public class TelemetryRetention {

    private static final Logger LOG = Logger.getLogger(TelemetryRetention.class.getName());
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})([smhd])");
    /** Points not packed yet deleted in one transaction. */
    static final int CHUNK = 5_000;
    /**
     * GPUs whose old blocks and rollups one transaction deletes: a day of 100 GPUs × 10 metrics is 24,000 rows of a
     * tier, bounded work for a transaction, where a GPU a transaction cost more in round trips than in deleting.
     */
    static final int GPUS_PER_TRANSACTION = 100;

    @EJB
    TelemetryPurge purge;

    @Resource
    ManagedScheduledExecutorService scheduler;

    @Inject
    @ConfigProperty(name = "TELEMETRY_RETENTION")
    Optional<String> retention;

    @Inject
    @ConfigProperty(name = "TELEMETRY_RETENTION_1M")
    Optional<String> minuteRetention;

    @Inject
    @ConfigProperty(name = "TELEMETRY_RETENTION_1H")
    Optional<String> hourRetention;

    @Inject
    @ConfigProperty(name = "TELEMETRY_RETENTION_CHECK_SECONDS")
    long checkSeconds;

    @EJB
    RollupBuilder rollups;

    private ScheduledFuture<?> timer;

    @PostConstruct
    void start() {
        Optional<Duration> points = parse("TELEMETRY_RETENTION", retention);
        Optional<Duration> minutes = parse("TELEMETRY_RETENTION_1M", minuteRetention);
        Optional<Duration> hours = parse("TELEMETRY_RETENTION_1H", hourRetention);
        LOG.info(() -> "telemetry retention: points " + kept(retention) + ", minute rollups " + kept(minuteRetention)
                + ", hour rollups " + kept(hourRetention) + ", checked every " + checkSeconds + " s");
        if (points.isEmpty() && minutes.isEmpty() && hours.isEmpty()) {
            return;
        }
        timer = scheduler.scheduleWithFixedDelay(
                () -> {
                    points.ifPresent(this::purgePointsOlderThan);
                    minutes.ifPresent(keep -> purgeRollupsOlderThan(RollupTier.MINUTE, keep, minuteRetention.get()));
                    hours.ifPresent(keep -> purgeRollupsOlderThan(RollupTier.HOUR, keep, hourRetention.get()));
                },
                checkSeconds,
                checkSeconds,
                TimeUnit.SECONDS);
    }

    private static String kept(Optional<String> setting) {
        return setting.filter(text -> !text.isBlank())
                .map(text -> "older than " + text.strip() + " are deleted")
                .orElse("are all kept");
    }

    private static Optional<Duration> parse(String name, Optional<String> setting) {
        return setting.filter(text -> !text.isBlank()).map(text -> parse(name, text));
    }

    /** A duration such as 90s, 45m, 12h or 30d. */
    static Duration parse(String name, String text) {
        Matcher matcher = DURATION.matcher(text.strip());
        if (!matcher.matches() || Long.parseLong(matcher.group(1)) == 0) {
            throw new IllegalArgumentException(
                    name + " must be a number and a unit (s, m, h, d), e.g. 30d, not '" + text + "'");
        }
        long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2)) {
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
    }

    private void purgePointsOlderThan(Duration keep) {
        long deleted = 0;
        long started = System.nanoTime();
        try {
            long before = Math.min((System.currentTimeMillis() - keep.toMillis()) * 1000, rollups.pointsNeededFrom());
            for (List<String> gpus : chunks(purge.gpusSeenBefore(before))) {
                int chunk;
                do {
                    chunk = purge.deleteOlder(gpus, before, CHUNK);
                    deleted += chunk;
                } while (chunk == CHUNK);
                deleted += purge.deletePackedOlder(gpus, before);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "telemetry retention failed; trying again at the next check", e);
        }
        if (deleted > 0) {
            logDeleted(deleted + " points", retention.get().strip(), started);
        }
    }

    private static List<List<String>> chunks(List<String> gpus) {
        List<List<String>> chunks = new ArrayList<>();
        for (int from = 0; from < gpus.size(); from += GPUS_PER_TRANSACTION) {
            chunks.add(gpus.subList(from, Math.min(gpus.size(), from + GPUS_PER_TRANSACTION)));
        }
        return chunks;
    }

    private static void logDeleted(String what, String age, long startedNanos) {
        long millis = (System.nanoTime() - startedNanos) / 1_000_000;
        LOG.info(() -> "telemetry retention deleted " + what + " older than " + age + " in " + millis + " ms");
    }

    private void purgeRollupsOlderThan(RollupTier tier, Duration keep, String age) {
        long before = (System.currentTimeMillis() - keep.toMillis()) * 1000;
        long started = System.nanoTime();
        String table = tier.blockTable();
        try {
            long deleted = 0;
            for (List<String> gpus : chunks(purge.gpusSeenBefore(before))) {
                deleted += purge.deleteRollupsOlder(tier, gpus, before);
            }
            if (deleted > 0) {
                logDeleted(deleted + " rows of " + table, age.strip(), started);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "telemetry retention of " + table + " failed; trying again at the next check", e);
        }
    }

    @PreDestroy
    void stop() {
        if (timer != null) {
            timer.cancel(false);
        }
    }
}
