package com.gputelemetry.system;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the server stored of one exporter's GPUs, read straight from the database and taken apart by time: the streamer
 * stamps every row of a scrape with the scrape's start, so the points stored at one time are one scrape as stored.
 * Each must be, value for value and nothing missing, a scrape the exporter served, begun then, and no scrape may be
 * stored under two times.
 */
record StoredScrapes(long points, Map<Long, Map<String, Double>> byTime, List<String> doubles) {

    private static final int SHOWN = 20;

    static StoredScrapes read(String jdbcUrl, String user, String password, String uuidPrefix) throws SQLException {
        Map<Long, Map<String, Double>> byTime = new TreeMap<>();
        List<String> doubles = new ArrayList<>();
        long points = 0;
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
                PreparedStatement statement = connection.prepareStatement("SELECT s.gpu_uuid, s.metric, p.time_us,"
                        + " p.metric_value FROM telemetry_point p JOIN telemetry_series s ON s.id = p.series_id"
                        + " WHERE s.gpu_uuid LIKE ?")) {
            statement.setString(1, uuidPrefix + "%");
            try (ResultSet rs = statement.executeQuery()) {
                while (rs.next()) {
                    points++;
                    String key = rs.getString(1) + " " + rs.getString(2);
                    Double before = byTime.computeIfAbsent(rs.getLong(3), time -> new HashMap<>())
                            .put(key, rs.getDouble(4));
                    if (before != null) {
                        doubles.add("stored twice at " + rs.getLong(3) + ": " + key);
                    }
                }
            }
        }
        return new StoredScrapes(points, byTime, doubles);
    }

    /**
     * The first differences from what the exporter served: a time whose points are no scrape it served (a value
     * changed, a point missing or added), a scrape stored twice, a scrape stored under a time other than its start:
     * served before it, or more than {@code servedWithin} after it.
     */
    List<String> differences(FakeDcgmExporter exporter, Duration servedWithin) {
        Map<Integer, List<Long>> servedByHash = new HashMap<>();
        for (long scrape = 1; scrape <= exporter.scrapes(); scrape++) {
            servedByHash
                    .computeIfAbsent(exporter.served(scrape).hashCode(), hash -> new ArrayList<>())
                    .add(scrape);
        }
        List<String> differences = new ArrayList<>(doubles);
        Map<Long, Long> timeOfScrape = new HashMap<>();
        byTime.forEach((time, values) -> {
            Long scrape = servedByHash.getOrDefault(values.hashCode(), List.of()).stream()
                    .filter(candidate -> exporter.served(candidate).equals(values))
                    .findFirst()
                    .orElse(null);
            if (scrape == null) {
                differences.add("stored at " + time + ": " + values.size() + " points that are no scrape served");
                return;
            }
            Long other = timeOfScrape.put(scrape, time);
            if (other != null) {
                differences.add("scrape " + scrape + " stored twice, at " + other + " and at " + time);
            }
            Instant stamped = Instant.EPOCH.plus(time, ChronoUnit.MICROS);
            Instant served = exporter.servedAt(scrape);
            if (served.isBefore(stamped) || served.isAfter(stamped.plus(servedWithin))) {
                differences.add("scrape " + scrape + " served at " + served + ", stored at " + stamped);
            }
        });
        return differences.subList(0, Math.min(SHOWN, differences.size()));
    }
}
