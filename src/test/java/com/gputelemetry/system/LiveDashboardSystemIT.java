package com.gputelemetry.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Live push and the dashboard against the packaged server on H2 holding the sample: the event streams over plain
 * HTTP as curl sees them, then the dashboard in a real browser (Debian's Chromium, headless, driven by Selenium).
 * Screenshots of every page go to target/screenshots on every run.
 */
public class LiveDashboardSystemIT {

    private static final String GPU = "GPU-5fd4f087-86f3-7a43-b711-4771313afc50";
    private static final String HOST = "mtv5-dgx1-hgpu-031";
    private static final int METRICS = 10;
    private static final int GPUS_ON_HOST = 8;
    private static final int SAMPLE_ROWS = 2_470;
    private static final Duration WAIT = Duration.ofSeconds(30);
    /** Small, so that a client that reads nothing is dropped after a few sample passes. */
    private static final int BUFFER_EVENTS = 2_000;

    private static final String ADMIN_TOKEN = "dashboard-admin";

    @RegisterExtension
    static final Closing CLOSING = new Closing();

    private static PackagedServer server;

    @BeforeAll
    static void start() throws Exception {
        Path scratch = Files.createTempDirectory("telemetry-live-test");
        server = CLOSING.add(PackagedServer.start(
                Map.of(
                        "TELEMETRY_DB_URL",
                        PackagedServer.h2Url(scratch),
                        "LIVE_BUFFER_EVENTS",
                        Integer.toString(BUFFER_EVENTS),
                        // The server notices a client that has gone by writing to it twice: within seconds here.
                        "LIVE_KEEP_ALIVE_SECONDS",
                        "2",
                        "ADMIN_TOKEN",
                        ADMIN_TOKEN),
                "live"));
        ingestSample("live-initial");
    }

    /**
     * Every test counts the points pushed to it, so it starts once the collectors have stored what was sent before
     * (the slow client's flood, say): a subscriber gets what is stored after it subscribed.
     */
    @BeforeEach
    void quietQueue() throws Exception {
        QueueProgress.awaitCollectorsCaughtUp(server);
    }

    private static void ingestSample(String name) throws Exception {
        var result = StreamerProcess.run(
                name, "--url", server.baseUrl(), "--instance-id", TelemetryCsv.unique(name), "--interval", "0ms");
        assertThat(result.exitCode())
                .as("streamer exit; stderr:%n%s", result.stderr())
                .isZero();
        assertThat(result.summary().rowsAcked()).isEqualTo(SAMPLE_ROWS);
    }

    private static SseSubscription gpuStream(String query, String lastEventId) throws Exception {
        return SseSubscription.open(server.uri("/api/v1/gpus/" + GPU + "/telemetry/stream" + query), lastEventId);
    }

    private static JsonObject json(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        }
    }

    @Test
    void aGpuStreamPushesEachNewlyStoredPointOfThatGpuOnceInOrderWithItsId() throws Exception {
        try (var all = gpuStream("", null);
                var temperature = gpuStream("?metric=DCGM_FI_DEV_GPU_TEMP", null)) {
            ingestSample("live-gpu");
            var points = all.next("point", METRICS, WAIT);
            Set<String> metrics = new HashSet<>();
            String previousId = null;
            for (var event : points) {
                JsonObject point = json(event.data());
                assertThat(point.getString("uuid")).isEqualTo(GPU);
                assertThat(point.getString("hostname")).isEqualTo(HOST);
                metrics.add(point.getString("metric"));
                assertThat(event.id()).matches("\\d+-\\d+-\\d+");
                if (previousId != null) {
                    assertThat(order(event.id())).isGreaterThan(order(previousId));
                }
                previousId = event.id();
            }
            assertThat(metrics).hasSize(METRICS);
            assertThat(all.rest(server))
                    .as("nothing more than the GPU's new points")
                    .isEmpty();

            var temperatures = temperature.next("point", 1, WAIT);
            assertThat(json(temperatures.get(0).data()).getString("metric")).isEqualTo("DCGM_FI_DEV_GPU_TEMP");
            assertThat(temperature.rest(server)).isEmpty();
        }
    }

    /**
     * The body of an HTTP/1.1 response as read off the socket, its chunks joined (an event may be split between two),
     * as far as it came: the server may cut the connection inside a chunk.
     */
    private static byte[] body(byte[] response) {
        String text = new String(response, StandardCharsets.ISO_8859_1);
        int headersEnd = text.indexOf("\r\n\r\n");
        assertThat(headersEnd).as("the response's headers").isPositive();
        String headers = text.substring(0, headersEnd).toLowerCase(Locale.ROOT);
        int at = headersEnd + 4;
        if (!headers.contains("transfer-encoding: chunked")) {
            return Arrays.copyOfRange(response, at, response.length);
        }
        var body = new ByteArrayOutputStream();
        while (at < response.length) {
            int lineEnd = text.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size =
                    Integer.parseInt(text.substring(at, lineEnd).split(";")[0].strip(), 16);
            if (size == 0) {
                break;
            }
            int start = lineEnd + 2;
            body.write(response, start, Math.min(size, response.length - start));
            at = start + size + 2;
        }
        return body.toByteArray();
    }

    /** A pushed point as GPU, metric and time: what names it. */
    private static String key(String data) {
        JsonObject point = json(data);
        return point.getString("uuid") + " " + point.getString("metric") + " " + point.getString("timestamp");
    }

    /** The UUIDs of a host's GPUs. */
    private static List<String> gpusOf(String hostname) throws Exception {
        var gpus = Http.getJson(server, "/api/v1/hosts/" + hostname + "/gpus", Map.class);
        return ((List<?>) gpus.get("items"))
                .stream().map(gpu -> (String) ((Map<?, ?>) gpu).get("uuid")).toList();
    }

    /** The record's offset and the point's index: an event id's order within one GPU's partition. */
    private static long order(String eventId) {
        String[] parts = eventId.split("-");
        return Long.parseLong(parts[1]) * 1_000_000 + Long.parseLong(parts[2]);
    }

    @Test
    void aClientResumingWithItsLastEventIdGetsWhatItMissedWithoutGapOrRepeat() throws Exception {
        String lastId;
        try (var first = gpuStream("", null)) {
            ingestSample("live-resume-1");
            lastId = first.next("point", METRICS, WAIT).get(METRICS - 1).id();
        }
        ingestSample("live-resume-2"); // stored while the client is away
        try (var resumed = gpuStream("", lastId)) {
            var missed = resumed.next("point", METRICS, WAIT);
            assertThat(missed).allSatisfy(event -> assertThat(order(event.id())).isGreaterThan(order(lastId)));
            ingestSample("live-resume-3");
            var live = resumed.next("point", METRICS, WAIT);
            Set<String> ids = new HashSet<>();
            missed.forEach(e -> ids.add(e.id()));
            live.forEach(e -> ids.add(e.id()));
            assertThat(ids).as("no point twice").hasSize(2 * METRICS);
            assertThat(resumed.rest(server)).isEmpty();
        }
    }

    /**
     * A record holds a batch's rows of every GPU of its partition: an event id names a point inside it. Resumed from a
     * point that is not its record's last, the stream sends the rest of that record, then what follows.
     */
    @Test
    void aGpuStreamResumedInTheMiddleOfARecordGetsTheRestOfItAndNothingBefore() throws Exception {
        List<SseSubscription.Event> seen;
        try (var first = gpuStream("", null)) {
            ingestSample("live-mid-record");
            seen = first.next("point", METRICS, WAIT);
        }
        int middle = IntStream.range(0, seen.size() - 1)
                .filter(i ->
                        record(seen.get(i).id()).equals(record(seen.get(i + 1).id())))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no two points of one record among " + seen));
        List<SseSubscription.Event> rest = seen.subList(middle + 1, seen.size());
        try (var resumed = gpuStream("", seen.get(middle).id())) {
            assertThat(resumed.next("point", rest.size(), WAIT)).containsExactlyElementsOf(rest);
            assertThat(resumed.rest(server))
                    .as("nothing before the resumed point, nothing twice")
                    .noneMatch(event -> event.name().equals("point"));
        }
    }

    /** The partition and offset of the record an event id's point is in. */
    private static String record(String eventId) {
        return eventId.substring(0, eventId.lastIndexOf('-'));
    }

    /**
     * A fleet stream resumed from a checkpoint gets every point stored after it, also those it had already been sent:
     * the checkpoint is the stream's position, and points name their GPU, metric and time for the client to see.
     */
    @Test
    void aFleetStreamResumedFromAnEarlierCheckpointGetsThePointsAfterItAgain() throws Exception {
        String fleetOfHost = "/api/v1/telemetry/stream?hostname=" + HOST;
        String checkpoint;
        List<String> afterCheckpoint;
        try (var fleet = SseSubscription.open(server.uri(fleetOfHost), null)) {
            ingestSample("live-again-1");
            fleet.next("point", GPUS_ON_HOST * METRICS, WAIT);
            checkpoint = fleet.next("checkpoint", 1, WAIT).get(0).id();
            ingestSample("live-again-2");
            afterCheckpoint = fleet.next("point", GPUS_ON_HOST * METRICS, WAIT).stream()
                    .map(SseSubscription.Event::data)
                    .toList();
        }
        try (var resumed = SseSubscription.open(server.uri(fleetOfHost), checkpoint)) {
            assertThat(resumed.next("point", GPUS_ON_HOST * METRICS, WAIT))
                    .extracting(SseSubscription.Event::data)
                    .containsExactlyInAnyOrderElementsOf(afterCheckpoint);
            assertThat(resumed.rest(server)).noneMatch(e -> e.name().equals("point"));
        }
    }

    @Test
    void theFleetStreamOfOneHostAndSomeMetricsResumesFromItsCheckpoint() throws Exception {
        String checkpoint;
        try (var fleet = SseSubscription.open(server.uri("/api/v1/telemetry/stream?hostname=" + HOST), null);
                var temperatures = SseSubscription.open(
                        server.uri("/api/v1/telemetry/stream?metric=DCGM_FI_DEV_GPU_TEMP&hostname="
                                + HOST.toUpperCase(Locale.ROOT)),
                        null)) {
            ingestSample("live-fleet-1");
            assertThat(temperatures.next("point", GPUS_ON_HOST, WAIT))
                    .extracting(e -> json(e.data()).getString("metric"))
                    .containsOnly("DCGM_FI_DEV_GPU_TEMP");
            var points = fleet.next("point", GPUS_ON_HOST * METRICS, WAIT);
            assertThat(points).allSatisfy(e -> assertThat(json(e.data()).getString("hostname"))
                    .isEqualTo(HOST));
            checkpoint = fleet.next("checkpoint", 1, WAIT).get(0).id();
            assertThat(checkpoint).startsWith("v1.");
            assertThat(fleet.rest(server)).noneMatch(e -> e.name().equals("point"));
        }
        ingestSample("live-fleet-2");
        try (var resumed = SseSubscription.open(server.uri("/api/v1/telemetry/stream?hostname=" + HOST), checkpoint)) {
            assertThat(resumed.next("point", GPUS_ON_HOST * METRICS, WAIT)).hasSize(GPUS_ON_HOST * METRICS);
            assertThat(resumed.rest(server)).noneMatch(e -> e.name().equals("point"));
        }
    }

    @Test
    void badStreamRequestsAreProblemsNamingTheParameter() throws Exception {
        assertProblem("/api/v1/gpus/GPU-00000000-0000-0000-0000-000000000000/telemetry/stream", null, 404, null);
        assertProblem("/api/v1/gpus/" + GPU + "/telemetry/stream?metric=NO_SUCH_METRIC", null, 400, "metric");
        assertProblem("/api/v1/gpus/" + GPU + "/telemetry/stream", "yesterday", 400, "Last-Event-ID");
        assertProblem("/api/v1/telemetry/stream", "v1.1.2", 400, "Last-Event-ID");
    }

    private static void assertProblem(String path, String lastEventId, int status, String parameter) throws Exception {
        var request = HttpRequest.newBuilder(server.uri(path)).header("Accept", "text/event-stream");
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        var response = Http.CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(path).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        if (parameter != null) {
            assertThat(json(response.body()).getString("parameter")).isEqualTo(parameter);
        }
    }

    /**
     * A GraphQL subscriber whose WebSocket stops reading: the server closes it once its outbox holds
     * LIVE_BUFFER_EVENTS messages (the kernel's buffers full before), while ingest goes on unhindered. A WebSocket by
     * hand, over a socket with a small receive buffer (a client library would go on reading into its own memory); each
     * point asks for its host 90 times over, so that a few thousand points fill the buffers.
     */
    @Test
    void aGraphQLSubscriberThatReadsNothingIsDroppedAndIngestGoesOn() throws Exception {
        URI uri = server.uri("/graphql");
        try (var socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /graphql HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                            + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13"
                            + "\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(new byte[16])
                            + "\r\nSec-WebSocket-Protocol: graphql-transport-ws\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            // A client sends its frames only once the handshake is answered (RFC 6455, 4.1): bytes sent before may be
            // lost with the upgrade.
            InputStream in = socket.getInputStream();
            var received = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            readUntil(in, received, buffer, "\r\n\r\n");
            assertThat(received.toString(StandardCharsets.UTF_8)).startsWith("HTTP/1.1 101");
            String hosts =
                    IntStream.range(0, 90).mapToObj(i -> "h" + i + ": hostname").collect(Collectors.joining(" "));
            out.write(maskedText("{\"type\":\"connection_init\"}"));
            out.write(maskedText("{\"id\":\"1\",\"type\":\"subscribe\",\"payload\":{\"query\":"
                    + "\"subscription { fleet { uuid " + hosts + " } }\"}}"));
            out.flush();
            try (var flood = StreamerProcess.start(
                    "graphql-slow",
                    "--url",
                    server.baseUrl(),
                    "--instance-id",
                    TelemetryCsv.unique("graphql-slow"),
                    "--loop",
                    "--interval",
                    "0ms",
                    "--batch-size",
                    "5000")) {
                // Reads until the first point has come, then reads nothing more.
                readUntil(in, received, buffer, "\"next\"");
                Poll.until(
                        "the server closes the GraphQL socket that reads nothing",
                        Duration.ofMinutes(2),
                        Duration.ofMillis(500),
                        server::log,
                        log -> log.contains("closed a GraphQL WebSocket that could not keep up (" + BUFFER_EVENTS));
                assertThat(flood.stopCleanly().rowsAcked()).as("ingest went on").isPositive();
            }
        }
    }

    /** Reads until what was received contains the text; what was received is shown when it never comes. */
    private static void readUntil(InputStream in, ByteArrayOutputStream received, byte[] buffer, String text)
            throws IOException {
        try {
            while (!received.toString(StandardCharsets.UTF_8).contains(text)) {
                int read = in.read(buffer);
                assertThat(read).as("the server's answers after %s", received).isPositive();
                received.write(buffer, 0, read);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no " + text + " within the socket's timeout; received: " + received, e);
        }
    }

    /** A client's text frame (masked, as a client's must be; with a zero mask, which leaves the bytes as they are). */
    private static byte[] maskedText(String text) {
        byte[] payload = text.getBytes(StandardCharsets.UTF_8);
        var frame = new ByteArrayOutputStream();
        frame.write(0x81);
        if (payload.length < 126) {
            frame.write(0x80 | payload.length);
        } else {
            frame.write(0x80 | 126);
            frame.write(payload.length >> 8);
            frame.write(payload.length & 0xff);
        }
        frame.writeBytes(new byte[4]);
        frame.writeBytes(payload);
        return frame.toByteArray();
    }

    @Test
    void aClientThatReadsNothingIsDroppedAndIngestGoesOn() throws Exception {
        URI uri = server.uri("/api/v1/telemetry/stream");
        try (var socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
            OutputStream out = socket.getOutputStream();
            // Connection: close, so that the server ends the connection, not only the response, when it drops us.
            out.write(("GET " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost() + "\r\nAccept: text/event-stream"
                            + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            // Subscribed before the flood starts: the server greets a subscriber once it has joined the feed.
            socket.setSoTimeout(30_000);
            InputStream in = socket.getInputStream();
            var received = new ByteArrayOutputStream();
            byte[] buffer = new byte[65536];
            while (!received.toString(StandardCharsets.UTF_8).contains(": subscribed")) {
                int read = in.read(buffer);
                assertThat(read).as("the server's greeting").isPositive();
                received.write(buffer, 0, read);
            }
            // Streams until the server has dropped the client: that takes more events than the kernel's and the
            // container's buffers and the subscriber's queue hold together (about 11 MB here).
            long acked;
            Instant floodStart = Instant.now().truncatedTo(ChronoUnit.MICROS);
            try (var flood = StreamerProcess.start(
                    "live-slow",
                    "--url",
                    server.baseUrl(),
                    "--instance-id",
                    TelemetryCsv.unique("live-slow"),
                    "--loop",
                    "--interval",
                    "0ms",
                    "--batch-size",
                    "5000")) {
                Poll.until(
                        "the server drops the client that reads nothing",
                        Duration.ofMinutes(2),
                        Duration.ofMillis(500),
                        server::log,
                        log -> log.contains("dropped a live subscriber that could not keep up"));
                acked = flood.stopCleanly().rowsAcked();
            }
            int read;
            while ((read = in.read(buffer)) >= 0) { // ends only when the server closes the connection
                received.write(buffer, 0, read);
            }
            // What it got: points, and after each round a checkpoint (the last block may be cut off by the drop).
            Set<String> beforeCheckpoint = new HashSet<>();
            List<String> sinceCheckpoint = new ArrayList<>();
            String checkpoint = null;
            long points = 0;
            for (String event : new String(body(received.toByteArray()), StandardCharsets.UTF_8).split("\n\n")) {
                if (event.startsWith("event: point\ndata: ")) {
                    sinceCheckpoint.add(event.substring("event: point\ndata: ".length()));
                    points++;
                } else if (event.startsWith("event: checkpoint\nid: ")) {
                    beforeCheckpoint.addAll(sinceCheckpoint);
                    sinceCheckpoint.clear();
                    checkpoint = event.lines().toList().get(1).substring("id: ".length());
                }
            }
            System.out.printf(
                    "slow client: dropped after %d of %d points, %,d bytes received in all%n",
                    points, acked, received.size());
            assertThat(points).isLessThan(acked);
            assertThat(checkpoint).as("a checkpoint before the drop").isNotNull();

            // Resuming from its last checkpoint, it gets everything from there on: with what it had, every point. (Of
            // one host: a replay of the whole flood to a test's client would take minutes on two cores.)
            Set<String> expected = new HashSet<>();
            for (String uuid : gpusOf(HOST)) {
                var series = Http.getJson(
                        server,
                        "/api/v1/gpus/" + uuid + "/telemetry?limit=10000&start_time=" + floodStart,
                        PipelineSystemTest.Series.class);
                series.items().forEach(point -> expected.add(uuid + " " + point.metric() + " " + point.timestamp()));
            }
            // Of what it had: the host's points of the flood (a subscriber joins the feed where it stands, which may
            // be a round behind, so a point stored before the flood may have come too).
            Set<String> hadBefore = new HashSet<>();
            for (String data : beforeCheckpoint) {
                if (expected.contains(key(data))) {
                    hadBefore.add(key(data));
                }
            }
            try (var resumed =
                    SseSubscription.open(server.uri("/api/v1/telemetry/stream?hostname=" + HOST), checkpoint)) {
                var rest = resumed.next("point", expected.size() - hadBefore.size(), Duration.ofMinutes(1));
                Set<String> again = new HashSet<>();
                rest.forEach(event -> again.add(key(event.data())));
                assertThat(again).as("nothing from before the checkpoint again").doesNotContainAnyElementsOf(hadBefore);
                Set<String> all = new HashSet<>(hadBefore);
                all.addAll(again);
                assertThat(all)
                        .as("the host's points got before the drop and after resuming")
                        .isEqualTo(expected);
            }
        }
        // The server goes on serving: a new subscriber gets the next points.
        try (var next = gpuStream("", null)) {
            ingestSample("live-after-slow");
            assertThat(next.next("point", METRICS, WAIT)).hasSize(METRICS);
        }
    }

    /**
     * The dashboard in Chromium. The fleet's page comes first: it counts the sample's GPUs, and later tests add GPUs of
     * their own.
     */
    @Nested
    @TestMethodOrder(MethodOrderer.OrderAnnotation.class)
    class Dashboard {

        /** One browser for these tests (a start costs seconds), opened at its first use: a window of 1400 × 1000. */
        private static Browser browser;

        private Browser browser() {
            if (browser == null) {
                browser = CLOSING.add(Browser.open(1400, 1000));
            }
            return browser;
        }

        /** Each test finds the browser as if new. */
        @AfterEach
        void reset() {
            if (browser != null) {
                browser.reset(1400, 1000);
            }
        }

        private void open(String fragment) {
            browser().get(server.uri("/").toString() + fragment);
        }

        private WebElement await(By by) {
            return browser().await(by);
        }

        private void awaitText(By by, String text) {
            browser().awaitText(by, text);
        }

        private void screenshot(String name) throws IOException {
            browser().screenshot(name);
        }

        private void assertNoConsoleErrors() {
            browser().assertNoConsoleErrors();
        }

        /**
         * GraphQL's explorer, reached from the dashboard's header: GraphiQL loads the schema and runs its example
         * query, with every file from the server itself (no CDN) and no console error.
         */
        @Test
        void graphiqlIsLinkedFromTheHeaderAndRunsAQueryWithTheApplicationsOwnFiles() throws Exception {
            open("#/");
            await(By.cssSelector(".live.on"));
            await(By.cssSelector("header a[href='graphiql/']")).click();
            await(By.cssSelector(".graphiql-container"));
            await(By.cssSelector(".graphiql-execute-button")).click();
            new WebDriverWait(browser().driver(), WAIT)
                    .withMessage("the example query's answer")
                    .until(driver -> driver.findElements(By.cssSelector(".result-window")).stream()
                            .anyMatch(result -> result.getText().contains("\"edges\"")
                                    && result.getText().contains("DCGM_FI_DEV_GPU_TEMP")));
            screenshot("graphiql");
            Object origins = ((JavascriptExecutor) browser().driver())
                    .executeScript("return performance.getEntriesByType('resource').map(e => new URL(e.name).origin)");
            String own = server.uri("/").toString().replaceAll("/$", "");
            assertThat((List<?>) origins).isNotEmpty().allSatisfy(origin -> assertThat(origin)
                    .isEqualTo(own));
            assertNoConsoleErrors();
            // The fleet's page, which the browser keeps for its back button, closed its stream as it went (or the six
            // connections a browser opens to a server run out as such pages pile up), and streams again once back.
            awaitLiveSubscribers(0);
            browser().driver().navigate().back();
            awaitLiveSubscribers(1);
        }

        private void awaitLiveSubscribers(long count) throws Exception {
            Poll.until(
                    "live_subscribers " + count,
                    WAIT,
                    Duration.ofMillis(500),
                    () -> ServerMetrics.scrape(server).value("live_subscribers"),
                    subscribers -> subscribers == count);
        }

        @Test
        @Order(1)
        void theFleetShowsTheSamplesGpusOnTheirHostsAndSearchNarrowsIt() throws Exception {
            ingestSample("live-fleet-page"); // every GPU reported just now
            open("#/");
            awaitText(By.cssSelector("[data-testid=gpu-count]"), "247");
            awaitText(By.cssSelector("[data-testid=host-count]"), "31");
            assertThat(browser().driver().findElements(By.cssSelector("[data-testid=gpu-row]")))
                    .hasSize(247);
            // The sample was stored moments ago: nothing is flagged as stopped.
            assertThat(browser()
                            .driver()
                            .findElement(By.cssSelector("[data-testid=stale-count]"))
                            .getText())
                    .isEqualTo("0");
            screenshot("fleet");

            browser()
                    .driver()
                    .findElement(By.cssSelector("[data-testid=search]"))
                    .sendKeys(HOST);
            new WebDriverWait(browser().driver(), WAIT)
                    .until(driver -> driver.findElements(By.cssSelector("[data-testid=gpu-row]")).stream()
                                    .filter(WebElement::isDisplayed)
                                    .count()
                            == GPUS_ON_HOST);
            assertThat(browser().driver().getCurrentUrl()).endsWith("#/?q=" + HOST);

            browser().driver().manage().window().setSize(new Dimension(390, 844));
            open("#/");
            awaitText(By.cssSelector("[data-testid=gpu-count]"), "247");
            screenshot("fleet-phone");
            assertNoConsoleErrors();
        }

        @Test
        void aGpuPageDrawsEveryMetricAndGrowsLiveWithoutAReload() throws Exception {
            open("#/gpu/" + GPU + "?window=1h");
            await(By.cssSelector("[data-testid=gpu-title]"));
            new WebDriverWait(browser().driver(), WAIT)
                    .until(driver -> driver.findElements(By.cssSelector("[data-testid=chart] canvas"))
                                    .size()
                            == METRICS);
            Map<String, Integer> before = pointsPerChart();
            assertThat(before).hasSize(METRICS).allSatisfy((metric, points) -> assertThat(points)
                    .isPositive());
            assertThat(browser().driver().findElements(By.cssSelector("[data-testid=latest] tr")))
                    .hasSize(METRICS);
            screenshot("gpu");

            // A marker that a reload would lose.
            ((JavascriptExecutor) browser().driver()).executeScript("window.notReloaded = true");
            ingestSample("live-browser");
            new WebDriverWait(browser().driver(), Duration.ofSeconds(2))
                    .withMessage("the new points on the open page within 2 s of their acknowledgement")
                    .until(driver ->
                            pointsPerChart().entrySet().stream().allMatch(e -> e.getValue() > before.get(e.getKey())));
            assertThat(((JavascriptExecutor) browser().driver()).executeScript("return window.notReloaded"))
                    .isEqualTo(true);

            String background = pageBackground();
            WebElement chartBefore = browser().driver().findElement(By.cssSelector("[data-testid=chart]"));
            browser().driver().findElement(By.id("theme")).click();
            assertThat(pageBackground())
                    .as("the page's background in the other theme")
                    .isNotEqualTo(background);
            // The page is drawn again in the other theme's colours: its charts replace those before the click.
            new WebDriverWait(browser().driver(), WAIT).until(ExpectedConditions.stalenessOf(chartBefore));
            awaitCharts();
            screenshot("gpu-other-theme");
            browser().driver().findElement(By.id("theme")).click();
            assertThat(pageBackground())
                    .as("the page's background back in the first theme")
                    .isEqualTo(background);

            // Deep links: another window straight from its URL.
            open("#/gpu/" + GPU + "?window=24h");
            // The page of the hour is still there until the new one replaces it: wait for the new one's charts.
            new WebDriverWait(browser().driver(), WAIT)
                    .ignoring(StaleElementReferenceException.class)
                    .until(driver ->
                            driver.findElements(By.cssSelector("[data-testid=windows] a[aria-current=true]")).stream()
                                            .anyMatch(link -> link.getText().equals("24h"))
                                    && driver.findElements(By.cssSelector("[data-testid=chart] canvas"))
                                                    .size()
                                            == METRICS);
            assertThat(browser()
                            .driver()
                            .findElement(By.cssSelector("[data-testid=windows] a[aria-current=true]"))
                            .getText())
                    .isEqualTo("24h");
            assertNoConsoleErrors();
        }

        /** The points each chart's uPlot has been given to draw (its x values). */
        private Map<String, Integer> pointsPerChart() {
            @SuppressWarnings("unchecked")
            var points = (Map<String, Long>)
                    ((JavascriptExecutor) browser().driver())
                            .executeScript(
                                    """
                            const points = {};
                            document.querySelectorAll('[data-testid=chart]')
                                .forEach(c => points[c.dataset.metric] = c.plot.data[0].length);
                            return points;""");
            var counts = new java.util.TreeMap<String, Integer>();
            points.forEach((metric, count) -> counts.put(metric, count.intValue()));
            return counts;
        }

        @Test
        void theQueuePageShowsTheCollectorsAndScalesThemWithTheAdminToken() throws Exception {
            open("#/queue");
            await(By.cssSelector("[data-testid=group-collectors]"));
            browser().driver().findElement(By.id("token")).click();
            browser().driver().findElement(By.id("token-value")).sendKeys(ADMIN_TOKEN, Keys.ENTER);
            WebElement group = await(By.cssSelector("[data-testid=group-collectors]"));
            new WebDriverWait(browser().driver(), WAIT)
                    .until(driver -> group.getText().startsWith("workers here: "));
            await(By.cssSelector("[data-testid=partitions-telemetry] tbody tr"));
            assertThat(browser().driver().findElements(By.cssSelector("[data-testid=partitions-telemetry] tbody tr")))
                    .hasSize(16);
            // Per partition: number, head, oldest, then the collectors' committed offset, lag and owner.
            var cells =
                    browser().driver().findElements(By.cssSelector("[data-testid=partitions-telemetry] tbody tr td"));
            assertThat(cells).hasSize(16 * 6);
            assertThat(cells.subList(0, 5))
                    .allSatisfy(cell -> assertThat(cell.getText()).matches("\\d+"));

            WebElement workers =
                    browser().driver().findElement(By.cssSelector("[data-testid=workers-input-collectors]"));
            workers.clear();
            workers.sendKeys("2");
            browser()
                    .driver()
                    .findElement(By.cssSelector("[data-testid=scale-collectors]"))
                    .click();
            new WebDriverWait(browser().driver(), WAIT)
                    .withMessage("the collectors' worker count on the page")
                    .until(driver -> group.getText().startsWith("workers here: 2 "));
            var groups = Http.CLIENT.send(
                    HttpRequest.newBuilder(server.uri("/api/v1/queue/groups")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(json(groups.body())
                            .getJsonArray("items")
                            .getJsonObject(0)
                            .getInt("workers"))
                    .isEqualTo(2);
            screenshot("queue");
            assertNoConsoleErrors();
        }

        @Test
        void theTokenFormShowsOnlyWhenTheTokenButtonIsClicked() {
            open("#/");
            await(By.cssSelector("[data-testid=hosts]"));
            WebElement form = browser().driver().findElement(By.id("token-form"));
            assertThat(form.isDisplayed())
                    .as("the token form on opening the page")
                    .isFalse();
            browser().driver().findElement(By.id("token")).click();
            assertThat(form.isDisplayed())
                    .as("the token form after a click on the token button")
                    .isTrue();
            browser().driver().findElement(By.id("token")).click();
            assertThat(form.isDisplayed())
                    .as("the token form after a second click")
                    .isFalse();
            assertNoConsoleErrors();
        }

        @Test
        void theChartsOfAGpuThatHasJustStartedSpanTheWholeWindowAsked() throws Exception {
            String uuid = gpuThatHasJustStarted();
            open("#/gpu/" + uuid + "?window=24h");
            awaitCharts();
            @SuppressWarnings("unchecked")
            var scales = (Map<String, Object>)
                    ((JavascriptExecutor) browser().driver())
                            .executeScript(
                                    """
                            const scales = {now: Date.now() / 1000};
                            document.querySelectorAll('[data-testid=chart]')
                                .forEach(c => scales[c.dataset.metric] = [c.plot.scales.x.min, c.plot.scales.x.max]);
                            return scales;""");
            double now = ((Number) scales.remove("now")).doubleValue();
            assertThat(scales).hasSize(METRICS).allSatisfy((metric, range) -> {
                double from = ((Number) ((List<?>) range).get(0)).doubleValue();
                double to = ((Number) ((List<?>) range).get(1)).doubleValue();
                assertThat(to)
                        .as("%s: the time axis ends now (epoch seconds)", metric)
                        .isBetween(now - 60, now);
                assertThat(to - from)
                        .as("%s: the time axis spans 24 h (seconds)", metric)
                        .isCloseTo(24 * 3600.0, within(1.0));
            });
            assertNoConsoleErrors();
        }

        @Test
        void everyValueAxisIsWideEnoughForItsLabels() throws Exception {
            // The new GPU's free memory (81,000 MiB), alone in its chart, puts labels up to 150,000 on the axis.
            String uuid = gpuThatHasJustStarted();
            open("#/gpu/" + uuid + "?window=1h");
            awaitCharts();
            // Labels are right-aligned beside the ticks and a gap: they fit when the axis is at least that wide.
            @SuppressWarnings("unchecked")
            var widths = (Map<String, List<Number>>)
                    ((JavascriptExecutor) browser().driver())
                            .executeScript(
                                    """
                            const text = document.createElement('canvas').getContext('2d');
                            const widths = {};
                            document.querySelectorAll('[data-testid=chart]').forEach(c => {
                                const axis = c.plot.axes[1];
                                text.font = axis.font[0];
                                const labels = Math.max(...axis._values.map(l => text.measureText(l).width))
                                    / devicePixelRatio;
                                widths[c.dataset.metric] = [c.querySelectorAll('.u-axis')[1].offsetWidth,
                                    labels + axis.ticks.size + axis.gap];
                            });
                            return widths;""");
            assertThat(widths).hasSize(METRICS).allSatisfy((metric, width) -> assertThat(
                            width.get(0).doubleValue())
                    .as("%s: the value axis' width against its widest label beside the ticks", metric)
                    .isGreaterThanOrEqualTo(width.get(1).doubleValue()));
            assertNoConsoleErrors();
        }

        private void awaitCharts() {
            new WebDriverWait(browser().driver(), WAIT)
                    .until(driver -> driver.findElements(By.cssSelector("[data-testid=chart] canvas"))
                                    .size()
                            == METRICS);
        }

        @Test
        void aGpuPageListsTheWorkloadsTheGpuServed() throws Exception {
            String gpu = gpuThatHasJustStarted("trainer", "llm-finetune-0", "training");
            open("#/gpu/" + gpu + "?window=1h");
            WebElement workload = await(By.cssSelector("[data-testid=workload]"));
            assertThat(workload.findElements(By.tagName("td")))
                    .extracting(WebElement::getText)
                    .startsWith("training", "llm-finetune-0", "trainer");
            assertThat(browser().driver().findElements(By.cssSelector("[data-testid=workload]")))
                    .hasSize(1);
            String free = gpuThatHasJustStarted();
            open("#/gpu/" + free + "?window=1h");
            new WebDriverWait(browser().driver(), WAIT)
                    .ignoring(StaleElementReferenceException.class) // the page drawn anew meanwhile
                    .until(driver -> driver.findElement(By.cssSelector("[data-testid=gpu-title]"))
                            .getText()
                            .contains(free));
            assertThat(browser().driver().findElements(By.cssSelector("[data-testid=workloads]")))
                    .as("no workloads table for a GPU no pod held")
                    .isEmpty();
            assertNoConsoleErrors();
        }

        private String pageBackground() {
            return (String) ((JavascriptExecutor) browser().driver())
                    .executeScript("return getComputedStyle(document.body).backgroundColor");
        }
    }

    /**
     * A GPU that has just started reporting: one row of each metric, stamped now, copied from a sample GPU's rows (its
     * free memory is 81,000 MiB) under a new UUID on a host of its own; answers the UUID once the GPU is stored.
     */
    private static String gpuThatHasJustStarted() throws Exception {
        return gpuThatHasJustStarted("", "", "");
    }

    /** The same, while it serves this workload (the exporter's container, pod and namespace labels). */
    private static String gpuThatHasJustStarted(String container, String pod, String namespace) throws Exception {
        String model = "GPU-6c8915d7-f04d-beb9-3e8a-e06f97ca4480";
        String uuid = "GPU-" + UUID.randomUUID();
        String now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        List<String> sample = Files.readAllLines(Path.of(Launch.required("sample.csv")));
        StringBuilder csv = new StringBuilder(sample.get(0)).append('\n');
        sample.stream()
                .filter(line -> line.contains("\"" + model + "\""))
                .map(line -> line.replaceFirst("^\"[^\"]*\"", "\"" + now + "\"")
                        .replace(model, uuid)
                        .replace(
                                "\"" + HOST + "\",\"\",\"\",\"\"",
                                "\"dashboard-newcomers\",\"%s\",\"%s\",\"%s\"".formatted(container, pod, namespace))
                        .replace(HOST, "dashboard-newcomers"))
                .forEach(line -> csv.append(line).append('\n'));
        var response = Http.ingest(server, csv.toString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response.body()).getInt("accepted")).isEqualTo(METRICS);
        QueueProgress.awaitCollectorsCaughtUp(server);
        return uuid;
    }
}
