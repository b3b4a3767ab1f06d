package com.gputelemetry.ingest.boundary;

import com.gputelemetry.DatabaseOutage;
import com.gputelemetry.Problem;
import com.gputelemetry.UnexpectedErrorMapper;
import com.gputelemetry.ingest.control.BatchIntake;
import com.gputelemetry.ingest.control.IngestRefusal;
import com.gputelemetry.ingest.entity.IngestReceipt;
import com.gputelemetry.ingest.entity.SocketReply;
import com.gputelemetry.ingest.entity.Transport;
import jakarta.inject.Inject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.util.List;
import java.util.OptionalLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * The ingest endpoint over a WebSocket, for producers that keep one connection open: the producer names itself in
 * the handshake ({@code ?producer-id=...}, and {@code &producer-source=scrape} from a scraping streamer); each text
 * message is one batch, its first line the batch's sequence and the rest the same CSV as {@code POST /api/v1/ingest};
 * each batch is answered by one JSON message carrying its sequence and an HTTP-like status, whatever happened to it.
 */
@ServerEndpoint("/api/v1/ingest/stream")
public class IngestSocket {

    private static final Jsonb JSON = JsonbBuilder.create();

    @Inject
    BatchIntake intake;

    @Inject
    @ConfigProperty(name = "INGEST_MAX_BATCH_BYTES")
    int maxBatchBytes;

    @Inject
    OpenSessions sessions;

    @OnOpen
    public void open(Session session) {
        session.setMaxTextMessageBufferSize(maxBatchBytes);
        sessions.opened(session);
    }

    @OnClose
    public void close(Session session) {
        sessions.closed(session);
    }

    @OnMessage
    public String batch(String message, Session session) {
        int lineEnd = message.indexOf('\n');
        String sequence = lineEnd < 0 ? message : message.substring(0, lineEnd);
        String body = lineEnd < 0 ? "" : message.substring(lineEnd + 1);
        List<String> producer = session.getRequestParameterMap().get("producer-id");
        List<String> source = session.getRequestParameterMap().get("producer-source");
        try {
            IngestReceipt receipt = intake.take(
                    Transport.WEBSOCKET,
                    producer == null ? null : producer.get(0),
                    sequence,
                    source == null ? null : source.get(0),
                    body,
                    utf8Bytes(message));
            return JSON.toJson(SocketReply.of(sequence.strip(), receipt));
        } catch (IngestRefusal refusal) {
            return JSON.toJson(SocketReply.of(sequence.strip(), refusal.problem(), refusal.retryAfterSeconds()));
        } catch (RuntimeException unexpected) {
            // Answered as over HTTP: a message left without an answer would hold its producer for its whole answer
            // timeout (a WebSocket endpoint's exception only reaches the log).
            Problem problem = UnexpectedErrorMapper.problemFor(unexpected);
            return JSON.toJson(SocketReply.of(
                    sequence.strip(),
                    problem,
                    problem.status() == 503
                            ? OptionalLong.of(DatabaseOutage.RETRY_AFTER_SECONDS)
                            : OptionalLong.empty()));
        }
    }

    /** The size of the text frame as it came (UTF-8), without encoding the message again. */
    private static long utf8Bytes(String message) {
        long bytes = 0;
        for (int i = 0; i < message.length(); i++) {
            char c = message.charAt(i);
            bytes += c < 0x80 ? 1 : c < 0x800 || Character.isSurrogate(c) ? 2 : 3;
        }
        return bytes;
    }
}
