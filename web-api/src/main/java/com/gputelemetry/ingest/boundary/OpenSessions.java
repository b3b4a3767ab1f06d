package com.gputelemetry.ingest.boundary;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;

/**
 * The ingest WebSockets open on this application. When it stops (a server shutting down, a redeployment) each is
 * closed with "going away": a producer then reconnects at once, where a connection left open by an application that
 * is gone was seen to swallow the next batch until the producer's answer timeout (Payara Server, on a redeployment).
 */
@ApplicationScoped
class OpenSessions {

    private static final Logger LOG = Logger.getLogger(OpenSessions.class.getName());

    private final Set<Session> sessions = ConcurrentHashMap.newKeySet();

    void opened(Session session) {
        sessions.add(session);
    }

    void closed(Session session) {
        sessions.remove(session);
    }

    @PreDestroy
    void closeAll() {
        int open = sessions.size();
        for (Session session : sessions) {
            try {
                session.close(new CloseReason(
                        CloseReason.CloseCodes.GOING_AWAY, "the server is stopping the application; reconnect"));
            } catch (IOException | IllegalStateException alreadyGone) {
                // nothing to tell a client that has gone
            }
        }
        sessions.clear();
        if (open > 0) {
            LOG.info(() -> "closed " + open + " ingest WebSocket(s): the application is stopping");
        }
    }
}
