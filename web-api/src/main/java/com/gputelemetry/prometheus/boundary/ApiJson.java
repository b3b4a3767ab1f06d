package com.gputelemetry.prometheus.boundary;

import com.gputelemetry.prometheus.control.PromqlEvaluator;
import com.gputelemetry.prometheus.entity.Labels;
import com.gputelemetry.prometheus.entity.Sample;
import com.gputelemetry.prometheus.entity.SeriesData;
import jakarta.json.stream.JsonGenerator;
import java.math.BigDecimal;
import java.util.Collection;
import java.util.List;

/**
 * Results in the JSON of Prometheus' query API: times as seconds since the epoch (a number with milliseconds),
 * values as text, as Go prints a float64 ({@code "41"}, {@code "112.5"}, {@code "NaN"}, {@code "+Inf"}).
 */
final class ApiJson {

    private ApiJson() {}

    static void value(JsonGenerator json, PromqlEvaluator.Value value, long time) {
        json.writeStartObject("data");
        if (value instanceof PromqlEvaluator.Scalar scalar) {
            json.write("resultType", "scalar").writeStartArray("result");
            point(json, time, scalar.value());
            json.writeEnd();
        } else if (value instanceof PromqlEvaluator.Vector vector) {
            json.write("resultType", "vector").writeStartArray("result");
            for (Sample sample : vector.samples()) {
                json.writeStartObject();
                labels(json, "metric", sample.labels());
                json.writeStartArray("value");
                point(json, time, sample.value());
                json.writeEnd().writeEnd();
            }
            json.writeEnd();
        } else {
            json.write("resultType", "matrix");
            series(json, ((PromqlEvaluator.Matrix) value).series());
        }
        json.writeEnd();
    }

    static void matrix(JsonGenerator json, List<SeriesData> series) {
        json.writeStartObject("data").write("resultType", "matrix");
        series(json, series);
        json.writeEnd();
    }

    private static void series(JsonGenerator json, List<SeriesData> series) {
        json.writeStartArray("result");
        for (SeriesData one : series) {
            json.writeStartObject();
            labels(json, "metric", one.labels());
            json.writeStartArray("values");
            for (int i = 0; i < one.size(); i++) {
                json.writeStartArray();
                point(json, one.times()[i], one.values()[i]);
                json.writeEnd();
            }
            json.writeEnd().writeEnd();
        }
        json.writeEnd();
    }

    static void labels(JsonGenerator json, Labels labels) {
        json.writeStartObject();
        labels.asMap().forEach(json::write);
        json.writeEnd();
    }

    static void strings(JsonGenerator json, Collection<String> values) {
        json.writeStartArray("data");
        values.forEach(json::write);
        json.writeEnd();
    }

    private static void labels(JsonGenerator json, String name, Labels labels) {
        json.writeStartObject(name);
        labels.asMap().forEach(json::write);
        json.writeEnd();
    }

    private static void point(JsonGenerator json, long millis, double value) {
        json.write(BigDecimal.valueOf(millis, 3)).write(text(value));
    }

    static String text(double value) {
        if (Double.isNaN(value)) {
            return "NaN";
        }
        if (Double.isInfinite(value)) {
            return value > 0 ? "+Inf" : "-Inf";
        }
        if (value == 0) {
            return 1 / value < 0 ? "-0" : "0";
        }
        return new BigDecimal(Double.toString(value)).stripTrailingZeros().toPlainString();
    }
}
