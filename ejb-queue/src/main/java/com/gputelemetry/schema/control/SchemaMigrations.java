package com.gputelemetry.schema.control;

import jakarta.annotation.PostConstruct;
import jakarta.ejb.Singleton;
import jakarta.ejb.Startup;
import jakarta.ejb.TransactionAttribute;
import jakarta.ejb.TransactionAttributeType;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Brings the database schema up to date at start-up, before anything else touches it. Each migration runs once, in
 * its own transaction, and is recorded in {@code schema_version}; applied migrations are never edited, only added to.
 */
@Singleton
@Startup
public class SchemaMigrations {

    private static final Logger LOG = Logger.getLogger(SchemaMigrations.class.getName());

    static final List<Migration> MIGRATIONS = List.of(
            new Migration(1, "queue_log"),
            new Migration(2, "telemetry_store"),
            new Migration(3, "queue_dead_letters"),
            new Migration(4, "queue_leases"),
            new Migration(5, "telemetry_queries"));

    @Inject
    DataSource dataSource;

    // Each migration is its own local transaction; a singleton's lifecycle method takes its attribute only from
    // the method itself, and a container transaction here would be committed over the connection's back.
    @PostConstruct
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void migrate() {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(true);
            makeCommitsDurable(connection);
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                        + "version INTEGER NOT NULL PRIMARY KEY, description VARCHAR(200) NOT NULL, "
                        + "applied_at_ms BIGINT NOT NULL)");
            }
            int current = currentVersion(connection);
            for (Migration migration : MIGRATIONS) {
                if (migration.version() > current) {
                    apply(connection, migration);
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("database schema migration failed: " + e.getMessage(), e);
        }
    }

    /**
     * H2 writes commits to its file up to half a second late by default, so a killed server would lose the last
     * acknowledged batches. Writing at commit makes an acknowledged batch survive a crash of the process; the
     * setting is kept in the database file. PostgreSQL is durable at commit already.
     */
    private static void makeCommitsDurable(Connection connection) throws SQLException {
        if ("H2".equals(connection.getMetaData().getDatabaseProductName())) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("SET WRITE_DELAY 0");
            }
        }
    }

    private static int currentVersion(Connection connection) throws SQLException {
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT COALESCE(MAX(version), 0) FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static void apply(Connection connection, Migration migration) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            for (String sql : migration.statements()) {
                statement.execute(sql);
            }
            try (PreparedStatement record = connection.prepareStatement(
                    "INSERT INTO schema_version (version, description, applied_at_ms) VALUES (?, ?, ?)")) {
                record.setInt(1, migration.version());
                record.setString(2, migration.description());
                record.setLong(3, System.currentTimeMillis());
                record.executeUpdate();
            }
            connection.commit();
            LOG.info(() -> "applied schema migration " + migration.fileName());
        } catch (SQLException e) {
            connection.rollback();
            throw e;
        } finally {
            connection.setAutoCommit(true);
        }
    }

    /** One versioned SQL script on the class path, {@code db/migration/V<version>__<description>.sql}. */
    record Migration(int version, String description) {

        String fileName() {
            return "V" + version + "__" + description + ".sql";
        }

        List<String> statements() {
            String path = "db/migration/" + fileName();
            try (InputStream in = SchemaMigrations.class.getClassLoader().getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalStateException("migration script missing from the class path: " + path);
                }
                return SqlScript.statements(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
