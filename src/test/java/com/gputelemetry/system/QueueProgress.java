package com.gputelemetry.system;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.time.Duration;
import java.util.List;

/** The queue's progress as a server reports it at {@code /api/v1/queue/groups} and {@code /api/v1/queue/topics}. */
// Public, with public records: JSON-B reads the replies into them reflectively.
public final class QueueProgress {

    private static final Jsonb JSON = JsonbBuilder.create();

    public record Partition(int partition, long lag, String owner) {}

    public record Group(String group, String topic, long lag, Integer workers, List<Partition> partitions) {}

    public record Groups(List<Group> items) {}

    public record TopicPartition(int partition, long headOffset, long records) {}

    public record Topic(String topic, List<TopicPartition> partitions) {}

    public record Topics(List<Topic> items) {}

    private QueueProgress() {}

    /** The collectors on the telemetry topic; an error while the server does not list them yet. */
    public static Group collectors(RunningServer server) throws Exception {
        String body = get(server, "/api/v1/queue/groups");
        return JSON.fromJson(body, Groups.class).items().stream()
                .filter(g -> g.group().equals("collectors") && g.topic().equals("telemetry"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no collectors group yet: " + body));
    }

    /** The telemetry topic's partitions: where each one's log ends, and how many records it still holds. */
    static List<TopicPartition> telemetryPartitions(RunningServer server) throws Exception {
        String body = get(server, "/api/v1/queue/topics");
        return JSON.fromJson(body, Topics.class).items().stream()
                .filter(t -> t.topic().equals("telemetry"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no telemetry topic: " + body))
                .partitions();
    }

    /** Waits until the collectors have processed every record appended so far. */
    public static void awaitCollectorsCaughtUp(RunningServer server) throws Exception {
        Poll.until(
                "collectors caught up (lag)",
                Duration.ofMinutes(2),
                () -> collectors(server).lag(),
                lag -> lag == 0);
    }

    /** Waits until a streamer that backed off while the server was down appends again. */
    static void awaitStreamingResumed(RunningServer server) throws Exception {
        long before = appendedRecords(server);
        Poll.until(
                "streaming resumed after the restart (records appended)",
                Duration.ofMinutes(1),
                () -> appendedRecords(server),
                appended -> appended >= before + 20);
    }

    private static long appendedRecords(RunningServer server) throws Exception {
        return telemetryPartitions(server).stream()
                .mapToLong(TopicPartition::headOffset)
                .sum();
    }

    private static String get(RunningServer server, String path) throws Exception {
        var response = Http.get(server, path);
        if (response.statusCode() != 200) {
            throw new AssertionError("GET " + path + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }
}
