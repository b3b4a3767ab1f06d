package com.gputelemetry.queue;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gputelemetry.Poll;
import com.gputelemetry.TelemetryCsv;
import com.gputelemetry.TestDatabase;
import com.gputelemetry.operations.boundary.QueueResource;
import com.gputelemetry.queue.boundary.MessageListener;
import com.gputelemetry.queue.boundary.MessageQueue;
import com.gputelemetry.queue.boundary.PartitionedMessage;
import com.gputelemetry.queue.boundary.QueueFullException;
import com.gputelemetry.queue.control.QueueStatistics;
import com.gputelemetry.queue.control.Retention;
import com.gputelemetry.queue.entity.DeadLetter;
import com.gputelemetry.queue.entity.LogRecord;
import jakarta.ejb.EJB;
import jakarta.ejb.EJBException;
import jakarta.inject.Inject;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import jakarta.ws.rs.WebApplicationException;
import java.io.File;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import javax.naming.InitialContext;
import javax.naming.NamingException;
import javax.sql.DataSource;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The queue's rules inside a real Payara Micro, each on topics of its own: fan-out to several groups, order per
 * partition, dead letters and replay, backpressure, rebalancing while delivering, retention, partition counts per
 * topic. Runs on H2 and again on PostgreSQL (see the failsafe configuration). The server runs with {@code -DQUEUE_MAX_LAG=300} (see the failsafe configuration).
 */
@ExtendWith({TestDatabase.class, ArquillianExtension.class})
class QueueSemanticsIT {

    private static final int MAX_LAG = 300;
    /** No reader outside the groups holds the partition. */
    private static final long NOT_HELD = Long.MAX_VALUE;

    @Deployment
    static WebArchive deployment() {
        return ShrinkWrap.createFromZipFile(WebArchive.class, new File("target/web-api.war"))
                .addClasses(TestDatabase.class, TelemetryCsv.class, Poll.class);
    }

    @EJB
    MessageQueue queue;

    @EJB
    QueueStatistics statistics;

    @EJB
    Retention retention;

    @Inject
    QueueResource admin;

    @Inject
    DataSource dataSource;

    @Test
    void everyGroupGetsEveryRecordInPartitionOrder() throws Exception {
        String topic = TelemetryCsv.unique("it-fanout");
        var first = new Recorder();
        var second = new Recorder();
        queue.subscribe("first", topic, 3, first);
        queue.subscribe("second", topic, 1, second);

        int records = publishAcrossPartitions(topic, 5, 40);

        Poll.until(
                "the deliveries", Duration.ofSeconds(60), () -> first.count() == records && second.count() == records);
        first.assertEachOnceInOrder(records);
        second.assertEachOnceInOrder(records);
    }

    @Test
    void aRecordThatKeepsFailingGoesToTheDeadLettersAndThePartitionFlowsOn() throws Exception {
        String topic = TelemetryCsv.unique("it-poison");
        var processed = new CopyOnWriteArrayList<String>();
        var attempted = new CopyOnWriteArrayList<String>();
        var healed = new boolean[] {false};
        queue.subscribe("careful", topic, 1, record -> {
            attempted.add(record.payload());
            if (record.payload().equals("poison") && !healed[0]) {
                throw new IllegalStateException("cannot digest " + record.payload());
            }
            afterCommit(() -> processed.add(record.payload()));
        });

        queue.publish(
                topic,
                producer(),
                0,
                List.of(
                        new PartitionedMessage(2, "before"),
                        new PartitionedMessage(2, "poison"),
                        new PartitionedMessage(2, "after")));

        Poll.until("the deliveries", Duration.ofSeconds(60), () -> processed.equals(List.of("before", "after")));
        assertEquals(
                List.of("before", "poison", "before"),
                attempted.subList(0, 3),
                "delivered together first; after the failure, one at a time, so that only the poison is retried");
        List<DeadLetter> letters = statistics.deadLetters("careful", 10).stream()
                .filter(d -> d.getTopic().equals(topic))
                .toList();
        assertEquals(1, letters.size());
        DeadLetter letter = letters.get(0);
        assertEquals(1, letter.getOffset());
        assertEquals(5, letter.getAttempts(), "the default number of attempts");
        assertTrue(letter.getLastError().contains("cannot digest poison"), letter.getLastError());

        healed[0] = true;
        assertTrue(queue.replay(letter.getId(), "careful", topic));
        assertEquals(List.of("before", "after", "poison"), processed);
        assertTrue(statistics.deadLetter(letter.getId()) == null, "a replayed dead letter is removed");
        assertFalse(queue.replay(letter.getId(), "careful", topic), "and cannot be replayed twice");
    }

    @Test
    void theAdminResourceListsAndReplaysDeadLettersToTheirOwnGroupAndResizesWithinBounds() throws Exception {
        String topic = TelemetryCsv.unique("it-admin");
        var processed = new CopyOnWriteArrayList<String>();
        var healed = new boolean[] {false};
        var bystander = new Recorder();
        queue.subscribe("picky", topic, 1, record -> {
            if (record.payload().equals("poison") && !healed[0]) {
                throw new IllegalStateException("cannot digest " + record.payload());
            }
            afterCommit(() -> processed.add(record.payload()));
        });
        queue.subscribe("bystander", topic, 1, bystander);
        queue.publish(
                topic, producer(), 0, List.of(new PartitionedMessage(3, "fine"), new PartitionedMessage(3, "poison")));
        Poll.until(
                "the deliveries",
                Duration.ofSeconds(60),
                () -> processed.equals(List.of("fine"))
                        && bystander.count() == 2
                        && !letters("picky", topic).isEmpty());

        DeadLetter letter = letters("picky", topic).get(0);
        assertEquals("poison", letter.payload());
        assertEquals(
                409,
                admin.replay(letter.getId()).getStatus(),
                "the listener fails again: a conflict, and the dead letter stays");
        assertEquals(1, letters("picky", topic).size());

        healed[0] = true;
        assertEquals(204, admin.replay(letter.getId()).getStatus());
        assertEquals(List.of("fine", "poison"), processed);
        assertEquals(2, bystander.count(), "a replay goes to its own group only");
        assertTrue(letters("picky", topic).isEmpty());
        assertStatus(404, () -> admin.replay(letter.getId()));

        assertStatus(400, () -> admin.resize("picky", topic, new QueueResource.WorkerCount(0)));
        assertStatus(400, () -> admin.resize("picky", topic, new QueueResource.WorkerCount(11)));
        assertStatus(404, () -> admin.resize("nobody", topic, new QueueResource.WorkerCount(2)));
        assertEquals(
                10,
                admin.resize("picky", topic, new QueueResource.WorkerCount(10)).workers());
        assertEquals(
                10,
                admin.groups().items().stream()
                        .filter(g -> g.group().equals("picky") && g.topic().equals(topic))
                        .findFirst()
                        .orElseThrow()
                        .workers());
    }

    private List<DeadLetter> letters(String group, String topic) {
        return admin.deadLetters(group, "100").items().stream()
                .filter(d -> d.getTopic().equals(topic))
                .toList();
    }

    private static void assertStatus(int status, Runnable call) {
        var e = assertThrows(WebApplicationException.class, call::run);
        assertEquals(status, e.getResponse().getStatus());
    }

    @Test
    void publishingIsRefusedWhileAGroupLagsTooFarAndResumesWhenItCatchesUp() throws Exception {
        String topic = TelemetryCsv.unique("it-backpressure");
        var release = new CountDownLatch(1);
        var delivered = new CopyOnWriteArrayList<Long>();
        queue.subscribe("slow", topic, 1, record -> {
            awaitQuietly(release);
            delivered.add(record.offset());
        });
        List<PartitionedMessage> full = IntStream.range(0, MAX_LAG)
                .mapToObj(i -> new PartitionedMessage(0, "r" + i))
                .toList();
        String producer = producer();
        queue.publish(topic, producer, 0, full);

        var refused = assertThrows(
                QueueFullException.class,
                () -> queue.publish(topic, producer, 1, List.of(new PartitionedMessage(0, "one too many"))));
        assertTrue(refused.getMessage().contains("group slow"), refused.getMessage());
        // Lag 301 against a bound of 300: one second per tenth of the bound the group is behind.
        assertEquals(10, refused.retryAfterSeconds());
        // Other partitions are not held back.
        queue.publish(topic, producer(), 0, List.of(new PartitionedMessage(1, "elsewhere")));

        release.countDown();
        Poll.until("the deliveries", Duration.ofSeconds(60), () -> delivered.size() == MAX_LAG + 1);
        var receipt = queue.publish(topic, producer, 1, List.of(new PartitionedMessage(0, "one too many")));
        assertFalse(receipt.duplicate(), "the refused batch left no trace: its sequence is still free");
    }

    @Test
    void resizingWhileDeliveringLosesAndRepeatsNothing() throws Exception {
        String topic = TelemetryCsv.unique("it-rebalance");
        var recorder = new Recorder(2);
        queue.subscribe("elastic", topic, 1, recorder);
        int records = publishAcrossPartitions(topic, 10, 40);

        for (int workers : new int[] {4, 2, 10, 3}) {
            Thread.sleep(150);
            assertTrue(queue.resize("elastic", topic, workers).isPresent());
        }

        Poll.until("the deliveries", Duration.ofSeconds(60), () -> recorder.count() == records);
        recorder.assertEachOnceInOrder(records);
        assertTrue(queue.resize("nobody", topic, 2).isEmpty());
    }

    @Test
    void retentionDeletesOnlyWhatEveryGroupHasCommittedPast() throws Exception {
        String topic = TelemetryCsv.unique("it-retention");
        var recorder = new Recorder();
        queue.subscribe("keeper", topic, 2, recorder);
        queue.publish(topic, producer(), 0, List.of(new PartitionedMessage(0, "a"), new PartitionedMessage(0, "b")));
        Poll.until("the deliveries", Duration.ofSeconds(60), () -> recorder.count() == 2);

        long future = System.currentTimeMillis() + 60_000;
        assertEquals(
                0,
                retention.purge(topic, 0, List.of("keeper", "never-committed"), future, NOT_HELD),
                "a subscribed group without a committed offset holds the partition");
        assertEquals(2, retention.purge(topic, 0, List.of("keeper"), future, NOT_HELD));
        assertEquals(0, retention.purge(topic, 0, List.of("keeper"), future, NOT_HELD));

        var stats = statistics.topics().stream()
                .filter(t -> t.topic().equals(topic))
                .findFirst()
                .orElseThrow();
        var partition = stats.partitions().get(0);
        assertEquals(2, partition.headOffset(), "offsets go on where they were");
        assertEquals(0, partition.records());
    }

    @Test
    void retentionKeepsWhatTheSlowestGroupHasNotCommittedWhatIsNotOldEnoughAndWhatAReaderHolds() throws Exception {
        String topic = TelemetryCsv.unique("it-retention-two-groups");
        var fast = new Recorder();
        var slow = new Recorder();
        var release = new CountDownLatch(1);
        queue.subscribe("fast", topic, 1, fast);
        queue.subscribe("slow", topic, 1, record -> {
            if (record.offset() > 0) {
                awaitQuietly(release);
            }
            slow.onMessage(record);
        });
        // Published apart: the slow group commits offset 0 on its own, then blocks on the next delivery.
        String producer = producer();
        queue.publish(topic, producer, 0, List.of(new PartitionedMessage(0, "a")));
        Poll.until("the deliveries", Duration.ofSeconds(60), () -> fast.count() == 1 && slow.count() == 1);
        queue.publish(
                topic,
                producer,
                1,
                List.of("b", "c", "d").stream()
                        .map(payload -> new PartitionedMessage(0, payload))
                        .toList());
        Poll.until("the deliveries", Duration.ofSeconds(60), () -> fast.count() == 4);

        List<String> groups = List.of("fast", "slow");
        long future = System.currentTimeMillis() + 60_000;
        long past = System.currentTimeMillis() - 60_000;
        assertEquals(
                0, retention.purge(topic, 0, groups, past, NOT_HELD), "records younger than the retention period stay");
        assertEquals(1, retention.purge(topic, 0, groups, future, NOT_HELD), "only offset 0: the slow group is at 1");

        release.countDown();
        Poll.until("the deliveries", Duration.ofSeconds(60), () -> slow.count() == 4);
        assertEquals(1, retention.purge(topic, 0, groups, future, 2), "offset 1: a reader still has offset 2 to read");
        assertEquals(2, retention.purge(topic, 0, groups, future, NOT_HELD));
    }

    @Test
    @EnabledIfSystemProperty(named = "test.db", matches = "postgres")
    void onPostgresqlADeliveryCommitsWithoutWaitingForTheDiskAndEverythingElseWaits() throws Exception {
        String topic = TelemetryCsv.unique("it-commit");
        var seen = new CopyOnWriteArrayList<String>();
        queue.subscribe("committer", topic, 1, record -> seen.add(synchronousCommit()));
        queue.publish(topic, producer(), 0, List.of(new PartitionedMessage(0, "x")));

        Poll.until("the deliveries", Duration.ofSeconds(60), () -> !seen.isEmpty());
        assertEquals("off", seen.get(0), "inside a delivery: its records stay in the log until it is durable");
        assertEquals("on", synchronousCommit(), "anywhere else, on a pooled connection a delivery may have used too");
    }

    private String synchronousCommit() {
        try (Connection connection = dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet result = statement.executeQuery("SHOW synchronous_commit")) {
            result.next();
            return result.getString(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aTopicCanHaveAPartitionCountOfItsOwn() {
        // The failsafe configuration sets -DQUEUE_PARTITIONS_IT_FOUR_PARTITIONS=4; the default is 16.
        String topic = "it-four-partitions";
        assertEquals(4, queue.partitioner(topic).partitions());
        assertThrows(
                EJBException.class,
                () -> queue.publish(topic, producer(), 0, List.of(new PartitionedMessage(4, "no such partition"))));
        assertEquals(
                4,
                statistics.topics().stream()
                        .filter(t -> t.topic().equals(topic))
                        .findFirst()
                        .orElseThrow()
                        .partitionCount());
        assertEquals(16, queue.partitioner(TelemetryCsv.unique("it-default")).partitions());
    }

    private int publishAcrossPartitions(String topic, int batches, int perBatch) {
        String producer = producer();
        int partitions = queue.partitioner(topic).partitions();
        for (int batch = 0; batch < batches; batch++) {
            int b = batch;
            queue.publish(
                    topic,
                    producer,
                    batch,
                    IntStream.range(0, perBatch)
                            .mapToObj(i -> new PartitionedMessage((b * perBatch + i) % partitions, b + ":" + i))
                            .toList());
        }
        return batches * perBatch;
    }

    private static String producer() {
        return TelemetryCsv.unique("it-producer");
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Runs {@code action} once the current delivery has committed: like a collector's writes, what a listener did in
     * a delivery that rolled back leaves no trace.
     */
    static void afterCommit(Runnable action) {
        TransactionSynchronizationRegistry transactions;
        try {
            transactions = InitialContext.doLookup("java:comp/TransactionSynchronizationRegistry");
        } catch (NamingException e) {
            throw new IllegalStateException(e);
        }
        transactions.registerInterposedSynchronization(new Synchronization() {
            @Override
            public void beforeCompletion() {}

            @Override
            public void afterCompletion(int status) {
                if (status == Status.STATUS_COMMITTED) {
                    action.run();
                }
            }
        });
    }

    /**
     * Remembers which offsets of which partition it was handed, in the order their transactions committed: like the
     * collectors' writes, a delivery that rolls back leaves no trace.
     */
    static class Recorder implements MessageListener {

        private final Map<Integer, List<Long>> offsets = new ConcurrentHashMap<>();
        private final long millisPerRecord;

        Recorder() {
            this(0);
        }

        Recorder(long millisPerRecord) {
            this.millisPerRecord = millisPerRecord;
        }

        @Override
        public void onMessage(LogRecord record) {
            if (millisPerRecord > 0) {
                try {
                    Thread.sleep(millisPerRecord);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            afterCommit(() -> offsets.computeIfAbsent(
                            record.partition(), p -> Collections.synchronizedList(new ArrayList<>()))
                    .add(record.offset()));
        }

        int count() {
            return offsets.values().stream().mapToInt(List::size).sum();
        }

        void assertEachOnceInOrder(int expectedTotal) {
            assertEquals(expectedTotal, count());
            offsets.forEach((partition, seen) -> {
                List<Long> expected =
                        IntStream.range(0, seen.size()).mapToObj(Long::valueOf).toList();
                assertEquals(expected, seen, "partition " + partition + ": every offset once, in order");
            });
        }
    }
}
