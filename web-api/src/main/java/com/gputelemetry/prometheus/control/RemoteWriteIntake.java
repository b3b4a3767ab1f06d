package com.gputelemetry.prometheus.control;

import com.gputelemetry.ingest.control.BatchIntake;
import com.gputelemetry.ingest.control.IngestFigures;
import com.gputelemetry.ingest.entity.Source;
import com.gputelemetry.ingest.entity.Transport;
import com.gputelemetry.prometheus.entity.TimeSeries;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

/**
 * Takes one remote-write request: reads it, keeps its GPU samples and appends them to the queue under the request's
 * SHA-256 digest. Prometheus re-sends a failed request byte for byte, so the digest makes the retry of a request that
 * was stored after all (its answer lost, a timeout) a duplicate rather than a second copy.
 */
@ApplicationScoped
public class RemoteWriteIntake {

    private final WriteRequestDecoder decoder = new WriteRequestDecoder();

    @Inject
    BatchIntake intake;

    @Inject
    RemoteWriteCounters counters;

    @Inject
    IngestFigures figures;

    /**
     * @throws InvalidWriteRequestException when the body is no remote-write request: nothing of it is stored
     * @throws com.gputelemetry.ingest.control.IngestRefusal when it cannot be stored now: nothing of it was
     */
    public void take(byte[] body) {
        long arrived = System.nanoTime();
        List<TimeSeries> series;
        try {
            series = decoder.decode(body);
        } catch (InvalidWriteRequestException e) {
            counters.refused();
            throw e;
        }
        GpuSamples samples = GpuSamples.of(series);
        boolean duplicate = !samples.rows().isEmpty()
                && intake.takeOnce(digest(body), samples.rows()).duplicate();
        if (!duplicate) {
            counters.skipped(samples.skipped());
        }
        figures.acknowledged(
                Transport.REMOTE_WRITE,
                Source.PROMETHEUS,
                body.length,
                samples.rows().size(),
                0,
                duplicate,
                arrived);
    }

    private static String digest(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
