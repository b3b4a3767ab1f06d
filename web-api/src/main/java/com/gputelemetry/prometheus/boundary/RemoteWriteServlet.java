package com.gputelemetry.prometheus.boundary;

import com.gputelemetry.Problem;
import com.gputelemetry.ingest.boundary.OversizedBody;
import com.gputelemetry.ingest.control.IngestRefusal;
import com.gputelemetry.prometheus.control.InvalidWriteRequestException;
import com.gputelemetry.prometheus.control.RemoteWriteIntake;
import jakarta.inject.Inject;
import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Prometheus' remote write, version 1.0: {@code remote_write: [{url: http://HOST:8080/prometheus/api/v1/write}]}.
 * Answers 204 once the request's GPU samples are durable; 400 (or 413, 415) for a body that is no remote-write
 * request, which Prometheus logs and drops; 503 with {@code Retry-After} while the collectors are too far behind or
 * the database is away, which every Prometheus retries (a 429 only those configured with {@code retry_on_http_429}).
 */
@WebServlet(urlPatterns = "/prometheus/api/v1/write")
public class RemoteWriteServlet extends HttpServlet {

    @Inject
    RemoteWriteIntake intake;

    @Inject
    @ConfigProperty(name = "INGEST_MAX_BATCH_BYTES")
    int maxBodyBytes;

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String encoding = request.getHeader("Content-Encoding");
        if (encoding != null && !encoding.strip().equalsIgnoreCase("snappy")) {
            refuse(415, "Unsupported Media Type", "the body must be snappy-compressed", "Content-Encoding")
                    .send(response);
            return;
        }
        byte[] body = request.getInputStream().readNBytes(maxBodyBytes + 1);
        if (body.length > maxBodyBytes) {
            if (!OversizedBody.drain(request.getInputStream())) {
                response.setHeader("Connection", "close");
            }
            refuse(413, "Content Too Large", "a request may be at most " + maxBodyBytes + " bytes", "body")
                    .send(response);
            return;
        }
        try {
            intake.take(body);
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
        } catch (InvalidWriteRequestException e) {
            refuse(400, "Bad Request", e.getMessage(), "body").send(response);
        } catch (IngestRefusal refusal) {
            Problem problem = refusal.problem();
            refusal.retryAfterSeconds().ifPresent(seconds -> response.setHeader("Retry-After", Long.toString(seconds)));
            // Backpressure as 503: Prometheus drops a request answered 429 unless told to retry it.
            int status = problem.status() == 429 ? 503 : problem.status();
            new Problem(problem.type(), problem.title(), status, problem.detail(), problem.parameter()).send(response);
        }
    }

    private static Problem refuse(int status, String title, String detail, String parameter) {
        return new Problem("about:blank", title, status, detail, parameter);
    }
}
