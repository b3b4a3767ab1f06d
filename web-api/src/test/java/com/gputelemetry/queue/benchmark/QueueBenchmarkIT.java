package com.gputelemetry.queue.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gputelemetry.TestDatabase;
import com.gputelemetry.queue.boundary.MessageQueue;
import com.gputelemetry.queue.boundary.PartitionedMessage;
import com.gputelemetry.queue.control.Partitioner;
import com.gputelemetry.telemetry.entity.TelemetryRow;
import jakarta.annotation.Resource;
import jakarta.ejb.EJB;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import javax.sql.DataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The queue alone, inside Payara Micro: publish and delivery throughput and publish-to-delivery latency of the
 * telemetry payloads, next to a raw JDBC batch insert of the same rows into the same database in the same run.
 * Not a test: {@code ./mvnw -B verify -pl web-api -am -Pqueue-benchmark -Dqueue.benchmark.db=h2|postgres} writes
 * its table to {@code web-api/target/queue-benchmark-<db>.md}.
 */
@EnabledIfSystemProperty(named = "queue.benchmark", matches = "true", disabledReason = "a benchmark, run on demand")
@ExtendWith({TestDatabase.class, ArquillianExtension.class})
class QueueBenchmarkIT {

    private static final int BATCHES = 200;
    private static final int ROWS_PER_BATCH = 1_000;
    private static final int GPUS = 247;
    private static final int WORKERS = 4;

    @Deployment
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File("target/web-api.war"))
                .addClass(TestDatabase.class);
    }

    @EJB
    MessageQueue queue;

    @Resource(lookup = "jdbc/telemetry")
    DataSource dataSource;

    @Test
    void measure() throws Exception {
        String topic = "benchmark-" + UUID.randomUUID().toString().substring(0, 8);
        List<List<TelemetryRow>> batches =
                IntStream.range(0, BATCHES).mapToObj(this::batch).toList();
        Partitioner partitioner = queue.partitioner(topic);

        var latencies = new ConcurrentLinkedQueue<Long>();
        var recordsDelivered = new AtomicLong();
        var lastDelivery = new AtomicLong();
        long total = (long) BATCHES * ROWS_PER_BATCH;
        queue.subscribe("benchmark", topic, WORKERS, record -> {
            latencies.add(System.currentTimeMillis() - record.appendedAtMillis());
            recordsDelivered.incrementAndGet();
            lastDelivery.set(System.nanoTime());
        });

        long messages = 0;
        long start = System.nanoTime();
        for (int b = 0; b < BATCHES; b++) {
            List<PartitionedMessage> publish = messages(batches.get(b), partitioner);
            messages += publish.size();
            queue.publish(topic, "benchmark-" + topic, b, publish);
        }
        double publishSeconds = (System.nanoTime() - start) / 1e9;
        // Each record once: a record holds its rows, so every row was delivered.
        while (recordsDelivered.get() < messages) {
            Thread.sleep(20);
        }
        double deliverSeconds = (lastDelivery.get() - start) / 1e9;
        assertEquals(messages, recordsDelivered.get());

        double jdbcSeconds = rawJdbcInsert(batches);

        List<Long> sorted = latencies.stream().sorted().toList();
        String database;
        try (Connection connection = dataSource.getConnection()) {
            database = connection.getMetaData().getDatabaseProductName() + " "
                    + connection.getMetaData().getDatabaseProductVersion();
        }
        String table = String.join(
                "\n",
                "Queue benchmark on " + database + ": " + BATCHES + " batches x " + ROWS_PER_BATCH + " rows of " + GPUS
                        + " GPUs, " + messages + " queue records, " + WORKERS + " workers, no-op listener",
                "",
                "| what | rows/s | records/s | seconds |",
                "|---|---|---|---|",
                row("publish (durable, one transaction per batch)", total, messages, publishSeconds),
                row("deliver (several records per transaction, from first publish)", total, messages, deliverSeconds),
                row("raw JDBC batch insert, 1,000 rows per batch and commit", total, 0, jdbcSeconds),
                "",
                String.format(
                        "publish-to-delivery latency: p50 %d ms, p99 %d ms, max %d ms; queue overhead: publish "
                                + "%.1fx, deliver %.1fx the raw insert time",
                        percentile(sorted, 50),
                        percentile(sorted, 99),
                        sorted.get(sorted.size() - 1),
                        publishSeconds / jdbcSeconds,
                        deliverSeconds / jdbcSeconds),
                "");
        Files.writeString(Path.of(System.getProperty("queue.benchmark.output")), table);
    }

    private List<TelemetryRow> batch(int b) {
        long baseMicros = 1_795_000_000_000_000L + b * 1_000_000L;
        return IntStream.range(0, ROWS_PER_BATCH)
                .mapToObj(i -> new TelemetryRow(
                        "GPU-" + new UUID(42, i % GPUS),
                        "DCGM_FI_DEV_METRIC_" + (i / GPUS),
                        baseMicros + i,
                        i * 0.5,
                        "host-" + (i % GPUS) / 8,
                        (i % GPUS) % 8,
                        "nvidia" + (i % GPUS) % 8,
                        "NVIDIA H100 80GB HBM3",
                        baseMicros,
                        "gpu=\"" + (i % GPUS) % 8 + "\""))
                .toList();
    }

    private static List<PartitionedMessage> messages(List<TelemetryRow> rows, Partitioner partitioner) {
        Map<Integer, List<TelemetryRow>> byPartition = rows.stream()
                .collect(Collectors.groupingBy(
                        r -> partitioner.partitionOf(r.uuid()), TreeMap::new, Collectors.toList()));
        List<PartitionedMessage> messages = new ArrayList<>();
        byPartition.forEach((p, part) -> messages.add(new PartitionedMessage(p, TelemetryRow.toPayload(part))));
        return messages;
    }

    private double rawJdbcInsert(List<List<TelemetryRow>> batches) throws Exception {
        try (Connection connection = dataSource.getConnection()) {
            try (Statement ddl = connection.createStatement()) {
                ddl.execute(
                        "CREATE TABLE benchmark_point (id BIGINT NOT NULL PRIMARY KEY, gpu_uuid VARCHAR(64) NOT NULL, "
                                + "metric VARCHAR(128) NOT NULL, time_us BIGINT NOT NULL, metric_value DOUBLE PRECISION NOT NULL, "
                                + "source_time_us BIGINT)");
            }
            connection.setAutoCommit(false);
            long id = 0;
            long start = System.nanoTime();
            try (PreparedStatement insert =
                    connection.prepareStatement("INSERT INTO benchmark_point VALUES (?, ?, ?, ?, ?, ?)")) {
                for (List<TelemetryRow> batch : batches) {
                    for (TelemetryRow row : batch) {
                        insert.setLong(1, ++id);
                        insert.setString(2, row.uuid());
                        insert.setString(3, row.metric());
                        insert.setLong(4, row.timeMicros());
                        insert.setDouble(5, row.value());
                        insert.setLong(6, row.sourceTimeMicros());
                        insert.addBatch();
                    }
                    insert.executeBatch();
                    connection.commit();
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            connection.setAutoCommit(true);
            try (Statement ddl = connection.createStatement()) {
                ddl.execute("DROP TABLE benchmark_point");
            }
            return seconds;
        }
    }

    private static String row(String what, long rows, long records, double seconds) {
        return String.format(
                "| %s | %,.0f | %s | %.2f |",
                what, rows / seconds, records == 0 ? "" : String.format("%,.0f", records / seconds), seconds);
    }

    private static long percentile(List<Long> sorted, int percent) {
        return sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(percent / 100.0 * sorted.size()) - 1));
    }
}
