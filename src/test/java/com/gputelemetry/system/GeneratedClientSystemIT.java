package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.gputelemetry.client.ApiClient;
import com.gputelemetry.client.ApiException;
import com.gputelemetry.client.api.GpusApi;
import com.gputelemetry.client.api.HostsApi;
import com.gputelemetry.client.api.IngestApi;
import com.gputelemetry.client.api.MetricsApi;
import com.gputelemetry.client.api.QueueApi;
import com.gputelemetry.client.api.TelemetryApi;
import com.gputelemetry.client.model.Bucket;
import com.gputelemetry.client.model.Gpu;
import com.gputelemetry.client.model.GpuDetail;
import com.gputelemetry.client.model.GpuPage;
import com.gputelemetry.client.model.HostEntry;
import com.gputelemetry.client.model.HostPage;
import com.gputelemetry.client.model.IngestReceipt;
import com.gputelemetry.client.model.Problem;
import com.gputelemetry.client.model.Series;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The API through a client nobody here wrote: the build generates it from the committed {@code web-api/openapi.json}
 * with openapi-generator (Java, library native), and this test uses nothing else against the packaged server. If the
 * document and the server disagree (a name, a type, a required field), this is where it shows; and the committed
 * document must be the one the server generates from the code, so that a change to the API is a change to that file,
 * reviewed with the code.
 */
public class GeneratedClientSystemIT {

    private static final String GPU = "GPU-5fd4f087-86f3-7a43-b711-4771313afc50";
    private static final String TEMPERATURE = "DCGM_FI_DEV_GPU_TEMP";
    private static final int ROWS_PER_BATCH = 500;

    private static PackagedServer server;
    private static ApiClient client;

    @RegisterExtension
    static final Closing CLOSING = new Closing();

    @BeforeAll
    static void startAndIngestTheSample() throws Exception {
        Path scratch = Files.createTempDirectory("telemetry-client-test");
        server = CLOSING.add(
                PackagedServer.start(Map.of("TELEMETRY_DB_URL", PackagedServer.h2Url(scratch)), "generated-client"));
        client = new ApiClient();
        client.updateBaseUri(server.baseUrl());

        List<String> lines = Files.readAllLines(Path.of(Launch.required("sample.csv")));
        var ingest = new IngestApi(client);
        long accepted = 0;
        for (int from = 1, sequence = 0; from < lines.size(); from += ROWS_PER_BATCH, sequence++) {
            List<String> batch = new ArrayList<>(List.of(lines.get(0)));
            batch.addAll(lines.subList(from, Math.min(lines.size(), from + ROWS_PER_BATCH)));
            IngestReceipt receipt = ingest.ingestBatch(
                    "generated-client", Integer.toString(sequence), String.join("\n", batch) + "\n", "csv");
            assertThat(receipt.getRejected()).isEmpty();
            assertThat(receipt.getDuplicate()).isFalse();
            accepted += receipt.getAccepted();
        }
        assertThat(accepted).isEqualTo(lines.size() - 1);
        Poll.until(
                "the sample's GPUs listed",
                Duration.ofSeconds(60),
                GeneratedClientSystemIT::allGpus,
                gpus -> gpus.size() == 247);
        Poll.until(
                "the sample stored",
                Duration.ofSeconds(60),
                () -> new QueueApi(client).listGroups().getItems().get(0).getLag(),
                lag -> lag == 0);
    }

    /** Every GPU, a page of 100 at a time, following nextCursor to the end. */
    private static List<Gpu> allGpus() throws ApiException {
        var gpus = new GpusApi(client);
        List<Gpu> all = new ArrayList<>();
        String cursor = null;
        do {
            GpuPage page = gpus.listGpus(null, null, null, null, 100, cursor);
            all.addAll(page.getItems());
            cursor = page.getNextCursor();
        } while (cursor != null);
        return all;
    }

    /** GraphQL, through SmallRye's client, answers every query as the REST API does on the same data. */
    @Test
    void graphQLAnswersEveryQueryAsTheRestApiDoes() throws Exception {
        GraphQLChecks.assertEveryQueryAnswersAsTheRestApi(server, GPU);
    }

    @Test
    void theGpuListPagesToTheEndWithTypedItems() throws Exception {
        List<Gpu> gpus = allGpus();
        assertThat(gpus).hasSize(247).extracting(Gpu::getUuid).doesNotHaveDuplicates();
        assertThat(gpus).allSatisfy(gpu -> {
            assertThat(gpu.getHostname()).isNotBlank();
            assertThat(gpu.getModel()).isNotBlank();
            assertThat(gpu.getLastSeen()).isAfterOrEqualTo(gpu.getFirstSeen());
        });
    }

    @Test
    void oneGpuHasItsDetailTelemetryAndSummary() throws Exception {
        var gpus = new GpusApi(client);
        GpuDetail detail = gpus.getGpu(GPU);
        assertThat(detail.getHostname()).isEqualTo("mtv5-dgx1-hgpu-031");
        assertThat(detail.getDriverVersion()).isEqualTo("535.129.03");
        assertThat(detail.getLabels()).isNotEmpty();
        assertThat(detail.getLatest()).hasSize(10);
        assertThat(detail.getWorkloads()).as("no pod held the sample's GPUs").isEmpty();

        // Posted as it is, the sample keeps the exporter's times, within seconds of this (the streamer would stamp
        // its own).
        OffsetDateTime scraped = OffsetDateTime.parse("2025-07-18T20:42:34Z");
        Series series = gpus.getGpuTelemetry(
                GPU, scraped.minusHours(1), scraped.plusHours(1), null, "asc", null, null, 1000, null);
        assertThat(series.getGpu()).isEqualTo(GPU);
        assertThat(series.getItems()).hasSize(10);
        assertThat(series.getNextCursor()).isNull();

        var summary = gpus.getGpuTelemetrySummary(
                GPU, List.of(TEMPERATURE), scraped.minusHours(1), scraped.plusHours(1), "1h");
        assertThat(summary.getItems()).isNotEmpty().allSatisfy(bucket -> assertThat(bucket.getMetric())
                .isEqualTo(TEMPERATURE));
        assertThat(summary.getItems().stream().mapToLong(Bucket::getCount).sum())
                .isEqualTo(1);
    }

    @Test
    void hostsMetricsLatestValuesAndTheQueue() throws Exception {
        var hosts = new HostsApi(client);
        List<HostEntry> all = new ArrayList<>();
        String cursor = null;
        do {
            HostPage page = hosts.listHosts(10, cursor);
            all.addAll(page.getItems());
            cursor = page.getNextCursor();
        } while (cursor != null);
        assertThat(all).hasSize(31);
        assertThat(hosts.listHostGpus("mtv5-dgx1-hgpu-031", 100, null).getItems())
                .hasSize(8);

        assertThat(new MetricsApi(client).listTelemetryMetrics().getItems()).hasSize(10);
        var latest = new TelemetryApi(client).listLatestValues(List.of(TEMPERATURE), "mtv5-dgx1-hgpu-031", 100, null);
        assertThat(latest.getItems()).hasSize(8).allSatisfy(gpu -> assertThat(gpu.getLatest())
                .singleElement()
                .satisfies(value -> assertThat(value.getUnit()).isEqualTo("°C")));

        var queue = new QueueApi(client);
        assertThat(queue.listGroups().getItems())
                .anySatisfy(group -> assertThat(group.getGroup()).isEqualTo("collectors"));
        assertThat(queue.listTopics().getItems())
                .anySatisfy(topic -> assertThat(topic.getPartitionCount()).isEqualTo(16));
        assertThat(queue.listDeadLetters(null, 10).getItems()).isEmpty();
    }

    @Test
    void errorsComeBackAsTheDocumentedProblem() throws Exception {
        var gpus = new GpusApi(client);
        Problem unknown = problem(catchThrowableOfType(
                () -> gpus.getGpu("GPU-00000000-0000-0000-0000-000000000000"), ApiException.class));
        assertThat(unknown.getStatus()).isEqualTo(404);
        assertThat(unknown.getDetail()).contains("GPU-00000000-0000-0000-0000-000000000000");

        Problem badLimit =
                problem(catchThrowableOfType(() -> gpus.listGpus(null, null, null, null, 0, null), ApiException.class));
        assertThat(badLimit.getStatus()).isEqualTo(400);
        assertThat(badLimit.getParameter()).isEqualTo("limit");
    }

    private static Problem problem(ApiException error) throws Exception {
        assertThat(error.getResponseHeaders().firstValue("Content-Type")).hasValue("application/problem+json");
        return client.getObjectMapper().readValue(error.getResponseBody(), Problem.class);
    }

    /**
     * The document the server generates equals the committed one. With {@code -Dopenapi.write=true} the test also
     * writes the generated document to that file, and still fails when it differed: writing does not make it pass,
     * the next run with the file committed does.
     */
    @Test
    void theCommittedDocumentIsTheOneTheServerGenerates() throws Exception {
        var response = Http.send(HttpRequest.newBuilder(server.uri("/openapi"))
                .header("Accept", "application/json")
                .build());
        assertThat(response.statusCode()).isEqualTo(200);
        String generated = OpenApiDocument.canonical(response.body());
        Path committed = Path.of(Launch.required("openapi.document"));
        boolean write = Boolean.getBoolean("openapi.write");
        if (write) {
            Files.writeString(committed, generated, StandardCharsets.UTF_8);
        }
        assertThat(generated)
                .as(
                        write
                                ? "the API changed: %s written; review and commit it"
                                : "the API changed; regenerate %s with -Dopenapi.write=true and commit it",
                        committed.toAbsolutePath().normalize())
                .isEqualTo(Files.exists(committed) ? OpenApiDocument.canonical(Files.readString(committed)) : "");
    }
}
