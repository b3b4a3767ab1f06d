package com.gputelemetry.graphql.boundary;

import com.gputelemetry.access.control.Grants;
import com.gputelemetry.access.entity.Role;
import com.gputelemetry.graphql.control.QueryLimits;
import com.gputelemetry.graphql.control.SocketOutbox;
import io.smallrye.graphql.websocket.GraphQLWebsocketHandler;
import io.smallrye.graphql.websocket.graphqltransportws.GraphQLTransportWSSubprotocolHandler;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.websocket.CloseReason;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.Session;
import jakarta.websocket.server.ServerEndpoint;
import java.io.IOException;
import java.io.StringReader;
import java.util.HashMap;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * GraphQL over WebSocket ({@code graphql-transport-ws}, as Apollo and {@code graphql-ws} speak it), in place of
 * SmallRye's endpoint at the same path: before any operation runs, {@code connection_init} must carry a read (or
 * admin) token, as {@code {"Authorization": "Bearer <token>"}} in its payload (a browser cannot send headers with a
 * WebSocket), or the socket closes with 4403; and messages leave through a bounded outbox, so a client that stops reading is dropped
 * rather than buffered or waited for.
 */
@ServerEndpoint(value = "/graphql", subprotocols = "graphql-transport-ws")
public class GraphQLSocket {

    private static final Logger LOG = Logger.getLogger(GraphQLSocket.class.getName());

    private volatile GraphQLWebsocketHandler handler;
    private boolean initialised;

    @OnOpen
    public void open(Session session) throws IOException {
        if (!"graphql-transport-ws".equals(session.getNegotiatedSubprotocol())) {
            session.close(new CloseReason(() -> 4406, "Subprotocol not acceptable: use graphql-transport-ws"));
            return;
        }
        int outbox = ConfigProvider.getConfig().getValue("LIVE_BUFFER_EVENTS", Integer.class);
        Map<String, Object> context = new HashMap<>();
        context.put(QueryLimits.WEBSOCKET, true);
        handler = new GraphQLTransportWSSubprotocolHandler(new SocketOutbox(session, outbox, this::close), context);
    }

    @OnMessage
    public void message(Session session, String text) throws IOException {
        GraphQLWebsocketHandler handler = this.handler;
        if (handler == null) {
            return;
        }
        if (!initialised) {
            JsonObject message = parse(text);
            if (message != null && "connection_init".equals(message.getString("type", null))) {
                if (!Grants.configured().grants(Role.READ, token(message))) {
                    session.close(new CloseReason(() -> 4403, "Forbidden: connection_init needs a read token"));
                    return;
                }
                initialised = true;
            }
        }
        handler.onMessage(text);
    }

    /** Ends the socket's operations (their subscriptions leave the live feed); a second call does nothing. */
    @OnClose
    public synchronized void close() {
        if (handler != null) {
            handler.onClose();
            handler = null;
        }
    }

    @OnError
    public void error(Throwable failure) {
        LOG.log(Level.FINE, "GraphQL WebSocket failed", failure);
        close();
    }

    /** The token of the payload's Authorization entry (any case). */
    private static String token(JsonObject message) {
        JsonValue payload = message.get("payload");
        if (payload instanceof JsonObject entries) {
            for (var entry : entries.entrySet()) {
                if (entry.getKey().equalsIgnoreCase("Authorization") && entry.getValue() instanceof JsonString value) {
                    return Grants.bearer(value.getString());
                }
            }
        }
        return null;
    }

    private static JsonObject parse(String text) {
        try (var reader = Json.createReader(new StringReader(text))) {
            return reader.readObject();
        } catch (RuntimeException e) {
            return null; // the handler closes the socket with 4400
        }
    }
}
