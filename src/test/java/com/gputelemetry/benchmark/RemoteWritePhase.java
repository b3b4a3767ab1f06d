package com.gputelemetry.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.gputelemetry.system.FakeDcgmExporter;
import com.gputelemetry.system.PackagedServer;
import com.gputelemetry.system.Poll;
import com.gputelemetry.system.PrometheusServer;
import com.gputelemetry.system.QueueProgress;
import com.gputelemetry.system.TestPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** The ingest benchmark's remote-write part: what a real Prometheus pushes through the server, end to end. */
final class RemoteWritePhase {

    /** Writes a line of the benchmark's report (a format and its arguments). */
    interface Report {
        void line(String format, Object... arguments);
    }

    private final int exporterCount;
    private final int seconds;
    private final Report report;

    RemoteWritePhase(int exporterCount, int seconds, Report report) {
        this.exporterCount = exporterCount;
        this.seconds = seconds;
        this.report = report;
    }

    /**
     * A real Prometheus scraping fake dcgm-exporters every second and remote-writing what it scraped to the server, for
     * {@code seconds}; then the exporters stop and the run waits until Prometheus has sent everything and the
     * collectors have stored it. Each sample must be stored once.
     *
     * @return the samples stored per second, from the first scrape until all were stored
     */
    double measure(PackagedServer server, TestPostgres postgres) throws Exception {
        List<FakeDcgmExporter> exporters = new ArrayList<>();
        try {
            for (int i = 0; i < exporterCount; i++) {
                exporters.add(FakeDcgmExporter.varying("rw" + i));
            }
            String targets = String.join(
                    ", ", exporters.stream().map(e -> "'" + e.target() + "'").toList());
            String configuration =
                    """
                    global:
                      scrape_interval: 1s
                      scrape_timeout: 1s
                    scrape_configs:
                      - job_name: dcgm
                        static_configs:
                          - targets: [%s]
                    remote_write:
                      - url: %s/prometheus/api/v1/write
                        queue_config:
                          capacity: 10000
                          max_shards: 8
                          max_samples_per_send: 2000
                          batch_send_deadline: 1s
                          min_backoff: 100ms
                          max_backoff: 1s
                    """
                            .formatted(targets, server.baseUrl().replaceAll("/$", ""));
            Instant start;
            Instant allStored;
            String sent;
            try (var prometheus = PrometheusServer.start(configuration)) {
                start = Instant.now();
                Thread.sleep(Duration.ofSeconds(seconds).toMillis());
                exporters.forEach(FakeDcgmExporter::close);
                Poll.until(
                        "Prometheus has sent what it scraped (samples pending)",
                        Duration.ofMinutes(5),
                        Duration.ofSeconds(1),
                        () -> prometheus.ownMetric("prometheus_remote_storage_samples_pending"),
                        pending -> pending == 0);
                sent = String.format(
                        Locale.ROOT,
                        "%,.0f scraped, %,.0f sent, %,.0f retried, %,.0f failed",
                        prometheus.ownMetric("prometheus_tsdb_head_samples_appended_total"),
                        prometheus.ownMetric("prometheus_remote_storage_samples_total"),
                        prometheus.ownMetric("prometheus_remote_storage_samples_retried_total"),
                        prometheus.ownMetric("prometheus_remote_storage_samples_failed_total"));
                QueueProgress.awaitCollectorsCaughtUp(server);
                allStored = Instant.now();
            }
            long[] stored = remoteWritten(postgres);
            assertThat(stored[1]).as("remote-written samples stored twice").isZero();
            double perSecond = stored[0] / secondsOf(Duration.between(start, allStored));
            report.line("");
            report.line("## Prometheus remote write");
            report.line("");
            report.line(
                    "Debian's Prometheus 2.42 scraping %d fake dcgm-exporters (the sample's GPUs, each its own) every"
                            + " second for %d s and remote-writing to the server (8 shards, 2,000 samples a request).",
                    exporterCount, seconds);
            report.line("");
            report.line("| figure | value |");
            report.line("|---|---|");
            report.line("| GPU samples stored, each once | %,d |", stored[0]);
            report.line("| Prometheus' own count | %s |", sent);
            report.line("| all stored after | %.1f s |", secondsOf(Duration.between(start, allStored)));
            report.line("| **remote-write samples/s end to end** | **%,.0f** |", perSecond);
            return perSecond;
        } finally {
            exporters.forEach(FakeDcgmExporter::close);
        }
    }

    /** The remote-written samples stored, and how many of them are a second copy of one. */
    private static long[] remoteWritten(TestPostgres postgres) throws Exception {
        try (Connection db = DriverManager.getConnection(postgres.jdbcUrl(), "postgres", "postgres");
                Statement statement = db.createStatement();
                ResultSet result = statement.executeQuery("SELECT COUNT(*), COUNT(*) - (SELECT COUNT(*) FROM"
                        + " (SELECT DISTINCT s.gpu_uuid, s.metric, p.time_us FROM telemetry_point p"
                        + " JOIN telemetry_series s ON s.id = p.series_id WHERE s.gpu_uuid LIKE 'GPU-rw%') d)"
                        + " FROM telemetry_point p JOIN telemetry_series s ON s.id = p.series_id"
                        + " WHERE s.gpu_uuid LIKE 'GPU-rw%'")) {
            result.next();
            return new long[] {result.getLong(1), result.getLong(2)};
        }
    }

    private static double secondsOf(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
