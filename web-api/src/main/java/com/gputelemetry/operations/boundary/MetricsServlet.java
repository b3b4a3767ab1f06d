package com.gputelemetry.operations.boundary;

import com.gputelemetry.operations.control.OwnMetrics;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The application's metrics for Prometheus, open like the health probes: OpenMetrics to a scraper that asks for it
 * (Prometheus does), the Prometheus text format 0.0.4 otherwise. Not at {@code /metrics}, which each server keeps for
 * its own (Payara's MicroProfile Metrics, WildFly's management port).
 */
@WebServlet(urlPatterns = "/prometheus/metrics")
public class MetricsServlet extends HttpServlet {

    private static final ExpositionFormatWriter OPEN_METRICS = OpenMetricsTextFormatWriter.create();
    private static final ExpositionFormatWriter TEXT = PrometheusTextFormatWriter.create();

    @Inject
    OwnMetrics metrics;

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String accept = request.getHeader("Accept");
        ExpositionFormatWriter writer = OPEN_METRICS.accepts(accept) ? OPEN_METRICS : TEXT;
        response.setContentType(writer.getContentType());
        writer.write(response.getOutputStream(), metrics.registry().scrape());
    }
}
