package com.gputelemetry.system;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.csv.CSVFormat;
import org.apache.commons.csv.CSVRecord;

/**
 * The sample's value of each (GPU UUID, metric): the sample holds exactly one row per pair, so whatever was stored from
 * it, in whatever order or number of passes, must carry that pair's value.
 */
final class SampleValues {

    private final Map<String, Double> values;

    private SampleValues(Map<String, Double> values) {
        this.values = values;
    }

    /** Reads the sample the build names in {@code sample.csv}. */
    static SampleValues read() throws IOException {
        Map<String, Double> values = new HashMap<>();
        try (var parser = CSVFormat.DEFAULT
                .builder()
                .setHeader()
                .setSkipHeaderRecord(true)
                .get()
                .parse(Files.newBufferedReader(Path.of(Launch.required("sample.csv"))))) {
            for (CSVRecord row : parser) {
                String key = key(row.get("uuid"), row.get("metric_name"));
                if (values.put(key, Double.valueOf(row.get("value"))) != null) {
                    throw new IllegalStateException("the sample has " + key + " twice");
                }
            }
        }
        return new SampleValues(Map.copyOf(values));
    }

    /** How many (GPU, metric) pairs the sample has: one per row. */
    int size() {
        return values.size();
    }

    /** The sample's value of this GPU's metric, or null when the sample has no such pair. */
    Double of(String gpuUuid, String metric) {
        return values.get(key(gpuUuid, metric));
    }

    /**
     * Compares every point in {@code telemetry_point} with the sample.
     *
     * @return how many points were compared, and how many of them have a (GPU, metric) the sample lacks or a value
     *     that is not the sample's (the first 20 of those described)
     */
    Comparison compareWithStored(String jdbcUrl, String user, String password) throws SQLException {
        List<String> examples = new ArrayList<>();
        long points = 0;
        long differing = 0;
        try (Connection connection = DriverManager.getConnection(jdbcUrl, user, password);
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT gpu_uuid, metric, metric_value FROM telemetry_point")) {
            while (rs.next()) {
                points++;
                String key = key(rs.getString(1), rs.getString(2));
                double stored = rs.getDouble(3);
                Double expected = values.get(key);
                if (!Objects.equals(expected, stored) && differing++ < 20) {
                    examples.add(key + ": stored " + stored + ", in the sample " + expected);
                }
            }
        }
        return new Comparison(points, differing, examples);
    }

    /** What the database holds measured against the sample. */
    record Comparison(long points, long differingPoints, List<String> firstDifferences) {}

    private static String key(String gpuUuid, String metric) {
        return gpuUuid + " " + metric;
    }
}
