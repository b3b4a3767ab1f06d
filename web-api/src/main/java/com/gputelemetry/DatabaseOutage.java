package com.gputelemetry;

import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;

/**
 * Tells a database that cannot be reached (down, restarting, refusing connections, pool unable to connect) from
 * everything else: the first is worth a retry (503 + Retry-After), the rest is a bug or a bad request and must not be
 * disguised as one.
 */
public final class DatabaseOutage {

    /** How long a client should wait before trying again while the database is away. */
    public static final int RETRY_AFTER_SECONDS = 5;

    private DatabaseOutage() {}

    public static boolean causes(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLTransientConnectionException
                    || cause instanceof SQLRecoverableException
                    || cause instanceof ConnectException) {
                return true;
            }
            if (cause instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08: connection exceptions; 57P01-57P03: PostgreSQL shutting down or not accepting connections yet.
                if (state.startsWith("08") || state.startsWith("57P0")) {
                    return true;
                }
            }
            // The pool, when it cannot open a connection (its exception types differ between servers).
            String type = cause.getClass().getName();
            if (type.endsWith("ResourceAllocationException") || type.endsWith("PoolingException")) {
                return true;
            }
        }
        return false;
    }

    public static Problem problem() {
        return new Problem(
                "about:blank",
                "Service Unavailable",
                503,
                "the database is not reachable at the moment; retry after " + RETRY_AFTER_SECONDS + " s",
                null);
    }
}
