package com.gputelemetry.streamer.scrape.control;

import com.gputelemetry.streamer.scrape.entity.ScrapeTarget;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.GZIPInputStream;

/**
 * GETs an exporter's metrics as Prometheus does: asking for OpenMetrics or the text format, accepting gzip, within the
 * scrape timeout for the whole exchange (the JDK's request timeout only covers the wait for the headers). What is not
 * an exposition (another status, a web page, an unknown encoding, a body over the cap) fails with a reason.
 */
public class ExporterClient {

    // Prometheus' own Accept header, minus the OpenMetrics 0.0.1 draft it also offers.
    static final String ACCEPT =
            "application/openmetrics-text;version=1.0.0;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";
    private static final String USER_AGENT = "gpu-telemetry-streamer";

    private final HttpClient client;
    private final Duration timeout;
    private final long bodyCap;
    private final AtomicLong bodyBudget;

    /**
     * @param bodyCap the most bytes a body may have, before and after decompression
     * @param bodyBudget the most bytes all bodies being received may hold together
     */
    public ExporterClient(Executor executor, Duration timeout, long bodyCap, long bodyBudget) {
        // HTTP/1.1: exporters speak it, and an h2c upgrade attempt per connection would only cost.
        this.client = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .executor(executor)
                .build();
        this.timeout = timeout;
        this.bodyCap = bodyCap;
        this.bodyBudget = new AtomicLong(bodyBudget);
    }

    /** Starts a scrape; the answer completes within the timeout, or exceptionally with a {@link ScrapeFailedException}. */
    public CompletableFuture<Exposition> fetch(ScrapeTarget target) {
        HttpRequest request = HttpRequest.newBuilder(target.url())
                .timeout(timeout)
                .header("Accept", ACCEPT)
                .header("Accept-Encoding", "gzip")
                .header("User-Agent", USER_AGENT)
                .header("X-Prometheus-Scrape-Timeout-Seconds", Double.toString(timeout.toMillis() / 1000.0))
                .GET()
                .build();
        var body = new AtomicReference<CappedBody>();
        var refusal = new AtomicReference<ScrapeFailedException>();
        HttpResponse.BodyHandler<byte[]> handler = info -> {
            var subscriber = new CappedBody(bodyCap, bodyBudget);
            body.set(subscriber);
            String problem = problemWith(info);
            if (problem != null) {
                var failure = new ScrapeFailedException(problem);
                refusal.set(failure);
                subscriber.abort(failure);
            }
            return subscriber;
        };
        return client.sendAsync(request, handler)
                .orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .handle((response, failure) -> {
                    if (failure != null) {
                        CappedBody started = body.get();
                        if (started != null) {
                            started.abort(failure);
                        }
                        throw new CompletionException(refusal.get() != null ? refusal.get() : inUsersTerms(failure));
                    }
                    String contentType =
                            response.headers().firstValue("Content-Type").orElse("");
                    boolean gzip = response.headers()
                            .firstValue("Content-Encoding")
                            .map(e -> e.strip().equalsIgnoreCase("gzip"))
                            .orElse(false);
                    return new Exposition(response.body(), gzip, isOpenMetrics(contentType), body.get());
                });
    }

    /** Why an answer with these headers is not worth reading; null when it is. */
    private static String problemWith(HttpResponse.ResponseInfo info) {
        if (info.statusCode() != 200) {
            return "HTTP " + info.statusCode();
        }
        String type = info.headers().firstValue("Content-Type").orElse("").toLowerCase(Locale.ROOT);
        if (type.startsWith("text/html") || type.startsWith("application/xhtml")) {
            return "answered with a web page (" + type + "), not metrics";
        }
        if (type.startsWith("application/json")) {
            return "answered with JSON, not metrics";
        }
        String encoding =
                info.headers().firstValue("Content-Encoding").orElse("identity").strip();
        if (!encoding.equalsIgnoreCase("gzip") && !encoding.equalsIgnoreCase("identity")) {
            return "answered with Content-Encoding " + encoding + ", which was not asked for";
        }
        return null;
    }

    static boolean isOpenMetrics(String contentType) {
        return contentType.strip().toLowerCase(Locale.ROOT).startsWith("application/openmetrics-text");
    }

    private ScrapeFailedException inUsersTerms(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof ScrapeFailedException scrape) {
            return scrape;
        }
        if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
            return new ScrapeFailedException(
                    "no complete answer within the scrape timeout of " + timeout.toMillis() + " ms");
        }
        if (cause instanceof ConnectException) {
            return new ScrapeFailedException("connection refused or unreachable");
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        return new ScrapeFailedException("the exchange failed: " + message);
    }

    /** An answer's body as received, and how to read it. */
    public record Exposition(byte[] body, boolean gzip, boolean openMetrics, CappedBody received) {

        /** The body, decompressed if it was compressed; reading past the cap fails. */
        public InputStream open(long cap) throws IOException {
            InputStream raw = new java.io.ByteArrayInputStream(body);
            return new CappedStream(gzip ? new GZIPInputStream(raw, 8192) : raw, cap);
        }

        /** The bytes count against the shared budget no more. */
        public void release() {
            received.release();
        }
    }
}
