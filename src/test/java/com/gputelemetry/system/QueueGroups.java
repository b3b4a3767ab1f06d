package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** The collectors' progress as a server reports it at {@code /api/v1/queue/groups}. */
// Public, with public records: JSON-B reads the replies into them reflectively.
public final class QueueGroups {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Jsonb JSON = JsonbBuilder.create();

    public record Partition(int partition, long lag, String owner) {}

    public record Group(String group, String topic, long lag, List<Partition> partitions) {}

    public record Groups(List<Group> items) {}

    private QueueGroups() {}

    /** The collectors on the telemetry topic; an error while the server does not list them yet. */
    static Group collectors(PackagedServer server) throws Exception {
        var response = HTTP.send(
                HttpRequest.newBuilder(server.uri("/api/v1/queue/groups")).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.fromJson(response.body(), Groups.class).items().stream()
                .filter(g -> g.group().equals("collectors") && g.topic().equals("telemetry"))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no collectors group yet: " + response.body()));
    }

    /** Waits until the collectors have processed every record appended so far. */
    static void awaitCollectorsCaughtUp(PackagedServer server) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        long lag;
        while ((lag = collectors(server).lag()) > 0) {
            assertThat(System.nanoTime())
                    .as("collectors caught up, lag %d", lag)
                    .isLessThan(deadline);
            Thread.sleep(500);
        }
    }
}
