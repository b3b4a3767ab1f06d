package com.gputelemetry.system;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Answers of Prometheus' query API, read into one comparable form whatever their result type: each series' labels
 * (in name order) with its points, a scalar under "scalar".
 */
record QueryAnswers(String resultType, Map<String, List<double[]>> series) {

    @SuppressWarnings("unchecked")
    static QueryAnswers read(String json) {
        Map<String, Object> answer = Http.fromJson(json, Map.class);
        if (!"success".equals(answer.get("status"))) {
            throw new AssertionError("not a success: " + json);
        }
        Map<String, Object> data = (Map<String, Object>) answer.get("data");
        String type = (String) data.get("resultType");
        Map<String, List<double[]>> series = new TreeMap<>();
        if (type.equals("scalar")) {
            series.put("scalar", List.of(point((List<Object>) data.get("result"))));
            return new QueryAnswers(type, series);
        }
        for (Map<String, Object> one : (List<Map<String, Object>>) data.get("result")) {
            String labels = new TreeMap<>((Map<String, String>) one.get("metric")).toString();
            List<double[]> points = new ArrayList<>();
            if (one.containsKey("value")) {
                points.add(point((List<Object>) one.get("value")));
            } else {
                ((List<List<Object>>) one.get("values")).forEach(value -> points.add(point(value)));
            }
            if (series.put(labels, points) != null) {
                throw new AssertionError("the same labels twice: " + labels);
            }
        }
        return new QueryAnswers(type, series);
    }

    private static double[] point(List<Object> value) {
        String text = value.get(1).toString();
        double number =
                switch (text) {
                    case "+Inf" -> Double.POSITIVE_INFINITY;
                    case "-Inf" -> Double.NEGATIVE_INFINITY;
                    default -> Double.parseDouble(text);
                };
        return new double[] {new BigDecimal(value.get(0).toString()).doubleValue(), number};
    }

    /** What differs from {@code expected}: result type, series, times, values beyond 1e-9 relative; at most five. */
    List<String> differencesFrom(QueryAnswers expected) {
        List<String> differences = new ArrayList<>();
        if (!resultType.equals(expected.resultType)) {
            differences.add("result type " + resultType + ", expected " + expected.resultType);
        }
        if (!series.keySet().equals(expected.series.keySet())) {
            var missing = new TreeSet<>(expected.series.keySet());
            missing.removeAll(series.keySet());
            var extra = new TreeSet<>(series.keySet());
            extra.removeAll(expected.series.keySet());
            differences.add(missing.size() + " series missing (e.g. " + first(missing) + "), " + extra.size()
                    + " extra (e.g. " + first(extra) + ")");
        }
        expected.series.forEach((labels, points) -> {
            List<double[]> ours = series.get(labels);
            if (ours == null || differences.size() >= 5) {
                return;
            }
            if (ours.size() != points.size()) {
                differences.add(labels + ": " + ours.size() + " points, expected " + points.size());
                return;
            }
            for (int i = 0; i < points.size(); i++) {
                double[] mine = ours.get(i);
                double[] theirs = points.get(i);
                if (mine[0] != theirs[0] || !close(mine[1], theirs[1])) {
                    differences.add(labels + " point " + i + ": (" + mine[0] + ", " + mine[1] + "), expected ("
                            + theirs[0] + ", " + theirs[1] + ")");
                    return;
                }
            }
        });
        return differences;
    }

    private static boolean close(double mine, double theirs) {
        if (Double.isNaN(mine) || Double.isNaN(theirs)) {
            return Double.isNaN(mine) && Double.isNaN(theirs);
        }
        if (mine == theirs) {
            return true;
        }
        return Math.abs(mine - theirs) <= 1e-9 * Math.max(Math.abs(mine), Math.abs(theirs));
    }

    private static String first(SortedSet<String> keys) {
        return keys.isEmpty() ? "none" : keys.first();
    }
}
