package com.gputelemetry.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gputelemetry.Poll;
import com.gputelemetry.Problem;
import com.gputelemetry.TelemetryCsv;
import com.gputelemetry.ingest.boundary.IngestResource;
import com.gputelemetry.ingest.entity.IngestReceipt;
import com.gputelemetry.ingest.entity.RowRejection;
import com.gputelemetry.queue.boundary.MessageListener;
import com.gputelemetry.queue.boundary.MessageQueue;
import com.gputelemetry.queue.boundary.PartitionedMessage;
import com.gputelemetry.queue.control.PartitionDelivery;
import com.gputelemetry.queue.entity.LogRecord;
import com.gputelemetry.telemetry.boundary.GpusResource;
import com.gputelemetry.telemetry.boundary.Series;
import com.gputelemetry.telemetry.control.GpuCatalog;
import com.gputelemetry.telemetry.entity.SeriesPosition;
import com.gputelemetry.telemetry.entity.TelemetryPoint;
import com.gputelemetry.telemetry.entity.TelemetryRow;
import jakarta.ejb.EJB;
import jakarta.inject.Inject;
import jakarta.ws.rs.WebApplicationException;
import java.io.ByteArrayInputStream;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Inside a real Payara Micro: ingest boundary, queue, collectors and GPU API of the real WAR, on H2. Runs in the
 * server (AssertJ is not deployed, hence JUnit's assertions).
 */
@ExtendWith(ArquillianExtension.class)
class PipelineIT {

    private static final List<String> METRICS =
            List.of("DCGM_FI_DEV_GPU_UTIL", "DCGM_FI_DEV_GPU_TEMP", "DCGM_FI_DEV_POWER_USAGE", "DCGM_FI_DEV_FB_USED");
    private static final Instant T0 = Instant.parse("2026-11-22T10:00:00.000001Z");

    @Deployment
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File("target/web-api.war"))
                .addClasses(TelemetryCsv.class, Poll.class);
    }

    @Inject
    IngestResource ingest;

    @Inject
    GpusResource gpus;

    @EJB
    MessageQueue queue;

    @EJB
    PartitionDelivery delivery;

    @EJB(beanName = "TelemetryCollector")
    MessageListener collector;

    @EJB
    GpuCatalog catalog;

    @Test
    void ingestedRowsAreStoredExactlyOnceAndServedInTimeOrder() throws Exception {
        List<String> uuids = List.of(TelemetryCsv.newGpu(), TelemetryCsv.newGpu(), TelemetryCsv.newGpu());
        List<String> rows = new ArrayList<>();
        for (int second = 0; second < METRICS.size(); second++) {
            for (int gpu = 0; gpu < uuids.size(); gpu++) {
                rows.add(row(uuids.get(gpu), gpu, METRICS.get(second), T0.plusSeconds(second), second * 10.5));
            }
        }
        // One bad row in the middle of the batch, on line 7 (the header is line 1); the others still go through.
        rows.add(5, T0 + ",DCGM_FI_DEV_GPU_UTIL,0,nvidia0," + uuids.get(0) + ",NVIDIA H100,host-a,n/a,\n");

        IngestReceipt receipt =
                post("it-producer-" + UUID.randomUUID(), 0, TelemetryCsv.HEADER + String.join("", rows));
        assertEquals(12, receipt.accepted());
        assertFalse(receipt.duplicate());
        assertEquals(List.of(new RowRejection(7, "value is not a number: 'n/a'")), receipt.rejected());

        for (String uuid : uuids) {
            Poll.until("the stored points", Duration.ofSeconds(30), () -> storedPoints(uuid) == METRICS.size());
            Series series = gpus.page(uuid, null, null, List.of(), "asc", "1000", null);
            List<String> times =
                    series.items().stream().map(TelemetryPoint::getTimestamp).toList();
            assertEquals(times.stream().sorted().toList(), times, "ascending by time");
            assertEquals(
                    METRICS,
                    series.items().stream().map(TelemetryPoint::getMetric).toList());
            assertEquals(T0.toString(), times.get(0), "stored with microsecond precision");
        }
        assertEveryPartitionCommittedToItsHead();
    }

    @Test
    void aRetriedBatchIsAcknowledgedButNotStoredAgain() throws Exception {
        String uuid = TelemetryCsv.newGpu();
        String producer = "it-retry-" + UUID.randomUUID();
        String csv = TelemetryCsv.HEADER + row(uuid, 1, METRICS.get(0), T0, 1) + row(uuid, 1, METRICS.get(1), T0, 2);

        assertFalse(post(producer, 7, csv).duplicate());
        IngestReceipt retry = post(producer, 7, csv);
        assertTrue(retry.duplicate());
        assertEquals(2, retry.accepted());

        Poll.until("the stored points", Duration.ofSeconds(30), () -> storedPoints(uuid) == 2);
        assertEveryPartitionCommittedToItsHead();
        assertEquals(
                2,
                gpus.page(uuid, null, null, List.of(), "asc", "1000", null)
                        .items()
                        .size());
    }

    /**
     * A delivery fails after the collector wrote its points (they are flushed: a query in the same transaction sees
     * them) and before the transaction commits: its writes go with it, and the redelivery stores the rows once.
     */
    @Test
    void aDeliveryThatFailsAfterItsWritesLeavesNoneOfThemAndTheRedeliveryStoresThemOnce() throws Exception {
        String topic = "it-mid-transaction-" + UUID.randomUUID();
        String uuid = TelemetryCsv.newGpu();
        var attempts = new AtomicInteger();
        var seenInsideTheTransaction = new CopyOnWriteArrayList<Integer>();
        queue.subscribe("it-writers", topic, 1, record -> {
            collector.onMessage(record);
            seenInsideTheTransaction.add(points(uuid));
            if (attempts.incrementAndGet() == 1) {
                throw new IllegalStateException("dies after its writes, before its commit");
            }
        });
        List<TelemetryRow> rows = METRICS.stream()
                .map(metric -> new TelemetryRow(
                        uuid, metric, 1_000_000L, 1.5, "host-a", 0, "nvidia0", "NVIDIA H100", null, null))
                .toList();
        queue.publish(
                topic,
                "it-writer-" + UUID.randomUUID(),
                0,
                List.of(new PartitionedMessage(0, TelemetryRow.toPayload(rows))));

        // The second attempt counts itself before its commit: wait for what it committed.
        Poll.until("the stored points", Duration.ofSeconds(30), () -> attempts.get() == 2 && points(uuid) > 0);
        assertEquals(List.of(METRICS.size(), METRICS.size()), seenInsideTheTransaction, "written in each attempt");
        assertEquals(METRICS.size(), points(uuid), "the failed attempt's writes were rolled back");
    }

    private int points(String uuid) {
        return catalog.series(uuid, 0, Long.MAX_VALUE, List.of(), null, SeriesPosition.start(false), 1_000)
                .size();
    }

    @Test
    void timeWindowsAreInclusiveAndPagesFollowTheCursor() throws Exception {
        String uuid = TelemetryCsv.newGpu();
        var csv = new StringBuilder(TelemetryCsv.HEADER);
        for (int second = 0; second < 5; second++) {
            csv.append(row(uuid, 2, METRICS.get(0), T0.plusSeconds(second), second));
        }
        post("it-window-" + UUID.randomUUID(), 0, csv.toString());
        Poll.until("the stored points", Duration.ofSeconds(30), () -> storedPoints(uuid) == 5);

        Series window = gpus.page(
                uuid, T0.plusSeconds(1).toString(), T0.plusSeconds(3).toString(), List.of(), "asc", "1000", null);
        assertEquals(
                List.of(1.0, 2.0, 3.0),
                window.items().stream().map(TelemetryPoint::getValue).toList());
        Series empty = gpus.page(uuid, T0.plusSeconds(60).toString(), null, List.of(), "asc", "1000", null);
        assertTrue(empty.items().isEmpty());

        List<Double> paged = new ArrayList<>();
        String cursor = null;
        do {
            Series page = gpus.page(uuid, null, null, List.of(), "asc", "2", cursor);
            page.items().forEach(p -> paged.add(p.getValue()));
            cursor = page.nextCursor();
        } while (cursor != null);
        assertEquals(List.of(0.0, 1.0, 2.0, 3.0, 4.0), paged);
    }

    @Test
    void badParametersAndUnknownGpusAreProblems() {
        assertProblem(
                400,
                "end_time",
                () -> gpus.page(
                        TelemetryCsv.newGpu(),
                        "2026-01-02T00:00:00Z",
                        "2026-01-01T00:00:00Z",
                        List.of(),
                        "asc",
                        "10",
                        null));
        assertProblem(
                400,
                "start_time",
                () -> gpus.page(TelemetryCsv.newGpu(), "2026-13-01", null, List.of(), "asc", "10", null));
        assertProblem(400, "limit", () -> gpus.page(TelemetryCsv.newGpu(), null, null, List.of(), "asc", "0", null));
        assertProblem(
                400,
                "cursor",
                () -> gpus.page(TelemetryCsv.newGpu(), null, null, List.of(), "asc", "10", "not-a-cursor"));
        assertProblem(404, null, () -> gpus.page(TelemetryCsv.newGpu(), null, null, List.of(), "asc", "10", null));
        assertProblem(400, "Producer-Sequence", () -> ingest.ingest("p", "minus one", null, body(TelemetryCsv.HEADER)));
        assertProblem(400, "body", () -> ingest.ingest("p", "1", null, body("uuid,value\nGPU-1,3\n")));
        assertProblem(
                400, "Producer-Source", () -> ingest.ingest("p", "1", "carrier-pigeon", body(TelemetryCsv.HEADER)));
    }

    private void assertEveryPartitionCommittedToItsHead() throws InterruptedException {
        int partitions = queue.partitioner(TelemetryRow.TOPIC).partitions();
        for (int p = 0; p < partitions; p++) {
            int partition = p;
            Poll.until("the stored points", Duration.ofSeconds(30), () -> {
                List<LogRecord> records = delivery.read(TelemetryRow.TOPIC, partition, 0, 100_000);
                long head =
                        records.isEmpty() ? 0 : records.get(records.size() - 1).offset() + 1;
                assertEquals(records.size(), head, "offsets are dense from 0");
                return delivery.committedOffset("collectors", TelemetryRow.TOPIC, partition) == head;
            });
        }
    }

    /** Points stored so far; the GPU itself is unknown (404) until the collectors stored its first row. */
    private int storedPoints(String uuid) {
        try {
            return gpus.page(uuid, null, null, List.of(), "asc", "1000", null)
                    .items()
                    .size();
        } catch (WebApplicationException e) {
            assertEquals(404, e.getResponse().getStatus());
            return 0;
        }
    }

    private static void assertProblem(int status, String parameter, Runnable call) {
        var e = assertThrows(WebApplicationException.class, call::run);
        assertEquals(status, e.getResponse().getStatus());
        Problem problem = (Problem) e.getResponse().getEntity();
        assertEquals(status, problem.status());
        if (parameter == null) {
            assertNull(problem.parameter());
        } else {
            assertEquals(parameter, problem.parameter());
        }
    }

    private IngestReceipt post(String producer, long sequence, String csv) {
        var response = ingest.ingest(producer, Long.toString(sequence), null, body(csv));
        assertEquals(200, response.getStatus());
        return (IngestReceipt) response.getEntity();
    }

    private static ByteArrayInputStream body(String csv) {
        return new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8));
    }

    /** A row of host-a's GPU, with the exporter's labels. */
    private static String row(String uuid, int gpu, String metric, Instant time, double value) {
        return TelemetryCsv.row(
                time, metric, gpu, uuid, "NVIDIA H100 80GB HBM3", "host-a", value, "gpu=\"" + gpu + "\",job=\"dcgm\"");
    }
}
