package com.gputelemetry.benchmark;

import static org.assertj.core.api.Assertions.assertThat;

import com.gputelemetry.system.Http;
import com.gputelemetry.system.PackagedServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Every 100 ms, one row of a GPU of its own through the ingest endpoint; once acknowledged, asks the API for it
 * every 2 ms: the time from the acknowledgement to the first answer that has it is that row's freshness.
 */
final class FreshnessProbe implements Runnable {

    private static final String PROBE_GPU = "GPU-freshness-probe";
    private static final HttpClient HTTP = Http.CLIENT;

    private final PackagedServer server;
    private final AtomicBoolean stopped = new AtomicBoolean();
    private final List<Double> freshness = new ArrayList<>();
    volatile Exception failure;

    FreshnessProbe(PackagedServer server) {
        this.server = server;
    }

    void stop() {
        stopped.set(true);
    }

    int probes() {
        synchronized (freshness) {
            return freshness.size();
        }
    }

    /** The smallest freshness in ms that at least {@code percent} of the probes did not exceed. */
    double percentile(double percent) {
        List<Double> sorted;
        synchronized (freshness) {
            sorted = freshness.stream().sorted().toList();
        }
        if (sorted.isEmpty()) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(sorted.size() * percent / 100) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }

    @Override
    public void run() {
        try {
            for (long sequence = 0; !stopped.get(); sequence++) {
                Instant time = Instant.now().truncatedTo(ChronoUnit.MICROS);
                String body = "timestamp,metric_name,gpu_id,device,uuid,modelName,Hostname,value\n" + time
                        + ",DCGM_FI_DEV_GPU_UTIL,0,nvidia0," + PROBE_GPU + ",probe,benchmark-probe," + sequence
                        + "\n";
                var ingest = HTTP.send(
                        HttpRequest.newBuilder(server.uri("/api/v1/ingest"))
                                .header("Content-Type", "text/csv")
                                .header("Producer-Id", "freshness-probe")
                                .header("Producer-Sequence", Long.toString(sequence))
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(ingest.statusCode()).as(ingest.body()).isEqualTo(200);
                long acked = System.nanoTime();
                URI point = server.uri("/api/v1/gpus/" + PROBE_GPU + "/telemetry?start_time="
                        + URLEncoder.encode(time.toString(), StandardCharsets.UTF_8) + "&limit=1");
                while (!visible(point)) {
                    Thread.sleep(2);
                }
                synchronized (freshness) {
                    freshness.add((System.nanoTime() - acked) / 1e6);
                }
                Thread.sleep(100);
            }
        } catch (Exception | AssertionError e) {
            failure = e instanceof Exception exception ? exception : new IllegalStateException(e);
        }
    }

    private static boolean visible(URI point) throws Exception {
        var response = HTTP.send(HttpRequest.newBuilder(point).build(), HttpResponse.BodyHandlers.ofString());
        return response.statusCode() == 200 && response.body().contains("\"timestamp\"");
    }
}
