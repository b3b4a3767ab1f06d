package com.gputelemetry.ingest.control;

import java.sql.SQLException;

/**
 * Tells a failure caused by two transactions inserting the same key at once (SQL state 23505 on PostgreSQL and H2)
 * from other failures: the loser of that race may simply try again.
 */
final class UniqueKeyClash {

    private static final String UNIQUE_VIOLATION = "23505";

    private UniqueKeyClash() {}

    static boolean causes(Throwable failure) {
        for (Throwable cause = failure; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause instanceof SQLException sql && UNIQUE_VIOLATION.equals(sql.getSQLState())) {
                return true;
            }
        }
        return false;
    }
}
