package com.gputelemetry.prometheus.boundary;

import com.gputelemetry.DatabaseOutage;
import com.gputelemetry.prometheus.control.BadQueryException;
import com.gputelemetry.prometheus.control.PrometheusQueries;
import com.gputelemetry.prometheus.control.PromqlEvaluator;
import com.gputelemetry.prometheus.entity.Labels;
import com.gputelemetry.prometheus.entity.PointBudget;
import com.gputelemetry.prometheus.entity.QueryDeadline;
import com.gputelemetry.telemetry.entity.MetricUnit;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.stream.JsonGenerator;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Prometheus' HTTP query API under {@code /prometheus/api/v1/}, for Grafana's stock Prometheus data source (URL
 * {@code http://HOST:8080/prometheus}) and {@code promtool query}: {@code query}, {@code query_range} (GET, or POST
 * with a form), {@code series}, {@code labels}, {@code label/NAME/values}, {@code metadata}, {@code status/buildinfo}.
 * Answers in Prometheus' envelope: {@code {"status":"success","data":…}} or {@code {"status":"error","errorType":…,
 * "error":…}}.
 */
@WebServlet(urlPatterns = "/prometheus/api/v1/*")
public class PrometheusApiServlet extends HttpServlet {

    private static final Logger LOG = Logger.getLogger(PrometheusApiServlet.class.getName());

    /** The Prometheus whose query API and PromQL semantics this follows, for clients that look at the version. */
    private static final String PROMETHEUS_VERSION = "2.42.0";

    @Inject
    PrometheusQueries queries;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        answer(request, response);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        answer(request, response);
    }

    private void answer(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String path = request.getPathInfo() == null ? "" : request.getPathInfo();
        var parameters = new QueryParameters(request);
        try {
            Consumer<JsonGenerator> data =
                    switch (path) {
                        case "/query" -> instant(parameters);
                        case "/query_range" -> range(parameters);
                        case "/series" -> series(parameters);
                        case "/labels" -> labels(parameters);
                        case "/metadata" -> metadata(parameters);
                        case "/status/buildinfo" -> PrometheusApiServlet::buildInfo;
                        default -> labelValues(path, parameters);
                    };
            success(response, data);
        } catch (NotFound e) {
            error(response, 404, "not_found", e.getMessage());
        } catch (BadQueryException e) {
            error(response, 400, "bad_data", e.getMessage());
        } catch (PointBudget.TooManyPointsException e) {
            error(response, 422, "execution", e.getMessage());
        } catch (QueryDeadline.QueryTimeoutException e) {
            error(response, 503, "timeout", e.getMessage());
        } catch (RuntimeException e) {
            if (!DatabaseOutage.causes(e)) {
                throw e;
            }
            LOG.log(Level.WARNING, "a Prometheus query failed: database away", e);
            response.setHeader("Retry-After", Integer.toString(DatabaseOutage.RETRY_AFTER_SECONDS));
            error(response, 503, "unavailable", "the database is not reachable at the moment");
        }
    }

    private Consumer<JsonGenerator> instant(QueryParameters parameters) {
        String query = parameters.required("query");
        long time = parameters.time("time", System.currentTimeMillis());
        PromqlEvaluator.Value value = queries.instant(query, time);
        return json -> ApiJson.value(json, value, time);
    }

    private Consumer<JsonGenerator> range(QueryParameters parameters) {
        String query = parameters.required("query");
        long start = parameters.time("start", null);
        long end = parameters.time("end", null);
        long step = parameters.step("step");
        var series = queries.range(query, start, end, step);
        return json -> ApiJson.matrix(json, series);
    }

    private Consumer<JsonGenerator> series(QueryParameters parameters) {
        List<String> selectors = parameters.all("match[]");
        if (selectors.isEmpty()) {
            throw new BadQueryException("no match[] parameter provided");
        }
        List<Labels> series = queries.series(selectors);
        return json -> {
            json.writeStartArray("data");
            series.forEach(labels -> ApiJson.labels(json, labels));
            json.writeEnd();
        };
    }

    private Consumer<JsonGenerator> labels(QueryParameters parameters) {
        SortedSet<String> names = new TreeSet<>();
        queries.series(parameters.all("match[]"))
                .forEach(labels -> names.addAll(labels.asMap().keySet()));
        return json -> ApiJson.strings(json, names);
    }

    private Consumer<JsonGenerator> labelValues(String path, QueryParameters parameters) {
        String[] parts = path.split("/");
        if (parts.length != 4 || !parts[1].equals("label") || !parts[3].equals("values")) {
            throw new NotFound("nothing is served at /prometheus/api/v1" + path);
        }
        String name = parts[2];
        if (!name.matches("[a-zA-Z_][a-zA-Z0-9_]*")) {
            throw new BadQueryException("invalid label name: \"" + name + "\"");
        }
        SortedSet<String> values = new TreeSet<>();
        queries.series(parameters.all("match[]")).forEach(labels -> {
            String value = labels.get(name);
            if (!value.isEmpty()) {
                values.add(value);
            }
        });
        return json -> ApiJson.strings(json, values);
    }

    private Consumer<JsonGenerator> metadata(QueryParameters parameters) {
        String only = parameters.optional("metric");
        SortedSet<String> metrics = new TreeSet<>();
        queries.series(List.of()).forEach(labels -> metrics.add(labels.get(Labels.NAME)));
        return json -> {
            json.writeStartObject("data");
            for (String metric : metrics) {
                if (only == null || only.equals(metric)) {
                    json.writeStartArray(metric)
                            .writeStartObject()
                            .write("type", isCounter(metric) ? "counter" : "gauge")
                            .write("help", metric + " as DCGM reports it")
                            .write("unit", MetricUnit.of(metric) == null ? "" : MetricUnit.of(metric))
                            .writeEnd()
                            .writeEnd();
                }
            }
            json.writeEnd();
        };
    }

    /** DCGM's energy counter, and anything named as Prometheus names counters. */
    private static boolean isCounter(String metric) {
        return metric.endsWith("_TOTAL_ENERGY_CONSUMPTION") || metric.endsWith("_total");
    }

    private static void buildInfo(JsonGenerator json) {
        json.writeStartObject("data")
                .write("version", PROMETHEUS_VERSION)
                .write("revision", "gpu-telemetry-pipeline")
                .write("branch", "")
                .write("buildUser", "")
                .write("buildDate", "")
                .write("goVersion", "")
                .writeEnd();
    }

    private static void success(HttpServletResponse response, Consumer<JsonGenerator> data) throws IOException {
        response.setStatus(200);
        response.setContentType("application/json");
        try (JsonGenerator json = Json.createGenerator(response.getOutputStream())) {
            json.writeStartObject().write("status", "success");
            data.accept(json);
            json.writeEnd();
        }
    }

    private static void error(HttpServletResponse response, int status, String type, String message)
            throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        try (JsonGenerator json = Json.createGenerator(response.getOutputStream())) {
            json.writeStartObject()
                    .write("status", "error")
                    .write("errorType", type)
                    .write("error", message)
                    .writeEnd();
        }
    }

    /** A path under the API that names nothing. */
    private static class NotFound extends RuntimeException {
        NotFound(String message) {
            super(message);
        }
    }
}
