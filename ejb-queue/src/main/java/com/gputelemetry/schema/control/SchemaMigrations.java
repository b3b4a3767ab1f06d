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
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.logging.Logger;
import javax.sql.DataSource;

/**
 * Brings the database schema up to date at start-up, before anything else touches it. Each migration runs once, in
 * its own transaction, and is recorded in {@code schema_version} with the checksum of its script; applied migrations
 * are never edited, only added to, and a server refuses to start on a database whose applied scripts have changed.
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
            new Migration(5, "telemetry_queries"),
            new Migration(6, "gpu_metrics_wider"),
            new Migration(7, "gpu_workloads"),
            new Migration(8, "series_ends"),
            new Migration(9, "rollups"),
            new Migration(10, "point_blocks"),
            new Migration(11, "rollup_blocks"),
            new Migration(12, "points_by_series", PointsBySeries::migrate));

    @Inject
    DataSource dataSource;

    // Each migration is its own local transaction; a singleton's lifecycle method takes its attribute only from
    // the method itself, and a container transaction here would be committed over the connection's back.
    @PostConstruct
    @TransactionAttribute(TransactionAttributeType.NOT_SUPPORTED)
    void migrate() {
        migrateTo(MIGRATIONS.get(MIGRATIONS.size() - 1).version());
    }

    /**
     * Applies the migrations up to {@code version}, after checking the ones applied already. (Not an overload of
     * {@link #migrate()}: the container finds a lifecycle method by its name.)
     */
    void migrateTo(int version) {
        try (Connection connection = dataSource.getConnection();
                var lock = MigrationLock.take(connection)) {
            connection.setAutoCommit(true);
            makeCommitsDurable(connection);
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TABLE IF NOT EXISTS schema_version ("
                        + "version INTEGER NOT NULL PRIMARY KEY, description VARCHAR(200) NOT NULL, "
                        + "applied_at_ms BIGINT NOT NULL)");
                // Databases migrated before checksums were recorded lack the column.
                statement.execute("ALTER TABLE schema_version ADD COLUMN IF NOT EXISTS checksum VARCHAR(64)");
            }
            Map<Integer, String> applied = applied(connection);
            for (Migration migration : MIGRATIONS) {
                if (applied.containsKey(migration.version())) {
                    verify(connection, migration, applied.get(migration.version()));
                } else if (migration.version() <= version) {
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

    /** The applied migrations' checksums by version; null for one applied before checksums were recorded. */
    private static Map<Integer, String> applied(Connection connection) throws SQLException {
        Map<Integer, String> applied = new TreeMap<>();
        try (Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT version, checksum FROM schema_version")) {
            while (rs.next()) {
                applied.put(rs.getInt(1), rs.getString(2));
            }
        }
        return applied;
    }

    /**
     * Refuses a database on which a migration ran whose script has changed since: its schema is not what the
     * script now says. A migration applied before checksums were recorded is trusted and gets its checksum now.
     */
    private static void verify(Connection connection, Migration migration, String recorded) throws SQLException {
        String checksum = migration.checksum();
        if (recorded == null) {
            try (PreparedStatement record =
                    connection.prepareStatement("UPDATE schema_version SET checksum = ? WHERE version = ?")) {
                record.setString(1, checksum);
                record.setInt(2, migration.version());
                record.executeUpdate();
            }
        } else if (!recorded.equals(checksum)) {
            throw new IllegalStateException("migration " + migration.fileName() + " was changed after it was applied"
                    + " to this database (checksum then " + recorded + ", now " + checksum + "): applied migrations"
                    + " must never be edited; restore the file and put the change into a new migration");
        }
    }

    private static void apply(Connection connection, Migration migration) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement statement = connection.createStatement()) {
            for (String sql : migration.statements()) {
                statement.execute(sql);
            }
            migration.step().run(connection);
            try (PreparedStatement record = connection.prepareStatement("INSERT INTO schema_version"
                    + " (version, description, applied_at_ms, checksum) VALUES (?, ?, ?, ?)")) {
                record.setInt(1, migration.version());
                record.setString(2, migration.description());
                record.setLong(3, System.currentTimeMillis());
                record.setString(4, migration.checksum());
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

    /** What a migration does after its script, in its transaction: what SQL alone cannot. */
    @FunctionalInterface
    interface Step {
        /** What a migration of SQL alone does after its script. */
        Step NONE = connection -> {};

        void run(Connection connection) throws SQLException;
    }

    /**
     * One versioned SQL script on the class path, {@code db/migration/V<version>__<description>.sql}, and its step. (A
     * step's code is not in the checksum: like a script, it is never changed once released.)
     */
    record Migration(int version, String description, Step step) {

        Migration(int version, String description) {
            this(version, description, Step.NONE);
        }

        String fileName() {
            return "V" + version + "__" + description + ".sql";
        }

        List<String> statements() {
            return SqlScript.statements(script());
        }

        /** SHA-256 of the script, line ends normalised, so that a checkout with CRLF does not count as a change. */
        String checksum() {
            try {
                byte[] digest = MessageDigest.getInstance("SHA-256")
                        .digest(script().replace("\r\n", "\n").getBytes(StandardCharsets.UTF_8));
                return HexFormat.of().formatHex(digest);
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("every Java has SHA-256", e);
            }
        }

        private String script() {
            String path = "db/migration/" + fileName();
            try (InputStream in = SchemaMigrations.class.getClassLoader().getResourceAsStream(path)) {
                if (in == null) {
                    throw new IllegalStateException("migration script missing from the class path: " + path);
                }
                return new String(in.readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
