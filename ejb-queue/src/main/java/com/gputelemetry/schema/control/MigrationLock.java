package com.gputelemetry.schema.control;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.logging.Logger;

/**
 * Only one server migrates a database at a time: on PostgreSQL a session advisory lock, held on the migrating
 * connection from before the version table is created until the last migration is recorded, so that servers starting
 * together on an empty database wait for the first instead of creating the same tables at once. (An H2 file is opened
 * by one server only: nothing to lock.)
 */
final class MigrationLock implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(MigrationLock.class.getName());
    /** Any number, the same for every server of this application: "gpu-tele" in ASCII. */
    private static final long KEY = 0x6770752d74656c65L;

    private final Connection connection;

    private MigrationLock(Connection connection) {
        this.connection = connection;
    }

    static MigrationLock take(Connection connection) throws SQLException {
        if (!"PostgreSQL".equals(connection.getMetaData().getDatabaseProductName())) {
            return new MigrationLock(null);
        }
        connection.setAutoCommit(true);
        try (Statement statement = connection.createStatement()) {
            if (!holds(statement, "SELECT pg_try_advisory_lock(" + KEY + ")")) {
                LOG.info("another server is migrating the database schema; waiting for it");
                statement.execute("SELECT pg_advisory_lock(" + KEY + ")");
            }
        }
        return new MigrationLock(connection);
    }

    private static boolean holds(Statement statement, String query) throws SQLException {
        try (ResultSet rs = statement.executeQuery(query)) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** Released explicitly: the pool keeps the connection, and with it the session, open. */
    @Override
    public void close() throws SQLException {
        if (connection != null) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SELECT pg_advisory_unlock(" + KEY + ")");
            }
        }
    }
}
