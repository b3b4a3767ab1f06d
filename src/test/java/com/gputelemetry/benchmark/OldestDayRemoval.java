package com.gputelemetry.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.gputelemetry.system.PackagedServer;
import com.gputelemetry.system.Poll;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The rollup benchmark's retention figure: removing the oldest day of what it loaded, each tier timed. */
final class OldestDayRemoval {

    private static final long HOUR_MICROS = 3_600_000_000L;

    private OldestDayRemoval() {}

    /**
     * A server started with every tier kept for the stored days less one removes the oldest day: how long each
     * tier's deletion took, by the server's own log, checking that nothing of that day is left in any tier.
     */
    static String measure(BenchmarkStore store, Map<String, String> database, long startMicros, int days)
            throws Exception {
        String keep = (days - 1) + "d";
        var environment = new HashMap<>(database);
        environment.putAll(Map.of(
                "TELEMETRY_RETENTION", keep,
                "TELEMETRY_RETENTION_1M", keep,
                "TELEMETRY_RETENTION_1H", keep,
                "TELEMETRY_RETENTION_CHECK_SECONDS", "1",
                "ROLLUP_INTERVAL_SECONDS", "86400"));
        Pattern deleted = Pattern.compile(
                "telemetry retention deleted (\\d+) (points|rows of \\w+) older than \\S+ in (\\d+) ms");
        Map<String, long[]> tiers;
        try (var server = PackagedServer.start(
                Map.copyOf(environment), "rollup-benchmark-retention", List.of("-Xms512m", "-Xmx512m"))) {
            tiers = Poll.until(
                    "the oldest day deleted from each tier",
                    Duration.ofMinutes(5),
                    Duration.ofSeconds(1),
                    () -> {
                        Map<String, long[]> found = new TreeMap<>();
                        Matcher matcher = deleted.matcher(server.log());
                        while (matcher.find()) {
                            found.putIfAbsent(
                                    matcher.group(2),
                                    new long[] {Long.parseLong(matcher.group(1)), Long.parseLong(matcher.group(3))});
                        }
                        return found;
                    },
                    found -> found.size() == 3);
        }
        // Whatever moment the purge ran at, the day's first 23 hours are older than it kept: gone with every block
        // of the hour (points, minutes) that ends by then, every block of the day (hours) that ends by then.
        long gone = startMicros + 23 * HOUR_MICROS;
        try (Connection connection = store.connect();
                Statement statement = connection.createStatement()) {
            for (String left : List.of(
                    "SELECT COUNT(*) FROM telemetry_block WHERE hour_us < " + gone,
                    "SELECT COUNT(*) FROM telemetry_rollup_1m_block WHERE start_us < " + gone,
                    "SELECT COUNT(*) FROM telemetry_rollup_1h_block WHERE start_us + " + 24 * HOUR_MICROS + " <= "
                            + gone)) {
                try (ResultSet rows = statement.executeQuery(left)) {
                    rows.next();
                    assertThat(rows.getLong(1)).as(left).isZero();
                }
            }
        }
        var out = new StringBuilder("| removing the oldest day by retention (`" + keep
                + "` for every tier), by the server's log | deleted | ms |\n|---|---|---|\n");
        tiers.forEach((tier, figures) ->
                out.append(String.format(Locale.ROOT, "| %s | %,d | %,d |%n", tier, figures[0], figures[1])));
        return out.toString();
    }
}
