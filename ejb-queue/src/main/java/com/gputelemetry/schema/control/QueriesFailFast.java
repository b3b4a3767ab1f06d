package com.gputelemetry.schema.control;

import org.eclipse.persistence.sessions.Session;
import org.eclipse.persistence.sessions.SessionCustomizer;

/**
 * EclipseLink retries a read that lost its connection three times, five seconds apart, so while the database is away
 * a read hung for 15 s before it failed. Failing at once lets the API answer 503 + Retry-After and the queue retry
 * on its own schedule. Named in persistence.xml; Hibernate (WildFly) does not retry and never loads it.
 */
public class QueriesFailFast implements SessionCustomizer {

    @Override
    public void customize(Session session) {
        session.getLogin().setQueryRetryAttemptCount(0);
    }
}
