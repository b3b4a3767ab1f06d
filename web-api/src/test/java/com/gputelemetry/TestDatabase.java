package com.gputelemetry;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts an embedded PostgreSQL on a free port before Arquillian starts Payara Micro, when the tests run on
 * PostgreSQL ({@code -Dtest.db=postgres}), and hands its URL to the server as {@code -DTEST_DB_URL}, which that run's
 * post-boot file reads. Register it before the Arquillian extension, which reads its configuration (and with it this
 * option) when the first test class starts. Does nothing inside the server, where an in-container test class is run
 * again.
 */
public class TestDatabase implements BeforeAllCallback {

    // Typed by interface: the class is also deployed into the server, where EmbeddedPostgres is not on the class path.
    private static AutoCloseable postgres;

    private static String jdbcUrl;

    /** Whether the tests run on PostgreSQL, where the statements the server runs are counted. */
    public static boolean countsStatements() {
        return jdbcUrl != null;
    }

    /** A connection to the server's database, when the tests run on PostgreSQL. */
    public static Connection connect() throws SQLException {
        return DriverManager.getConnection(jdbcUrl);
    }

    /** Forgets the statements counted so far. */
    public static void forgetStatements() throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                Statement statement = connection.createStatement()) {
            statement.execute("SELECT pg_stat_statements_reset()");
        }
    }

    /**
     * How many times the server ran statements whose text (parameters as $1, $2, ...) is like the pattern since they
     * were last forgotten, by PostgreSQL's own count ({@code pg_stat_statements}).
     */
    public static long statementsLike(String pattern) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                PreparedStatement statement = connection.prepareStatement(
                        "SELECT COALESCE(SUM(calls), 0) FROM pg_stat_statements WHERE query LIKE ?")) {
            statement.setString(1, pattern);
            try (ResultSet result = statement.executeQuery()) {
                result.next();
                return result.getLong(1);
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        boolean insideServer = System.getProperty("com.sun.aas.instanceRoot") != null;
        if (insideServer || !"postgres".equals(System.getProperty("test.db")) || postgres != null) {
            return;
        }
        // With synchronous commits on, as every PostgreSQL runs by default (the library turns them off); counting
        // the statements the server runs, so that a test can tell how many a request cost.
        EmbeddedPostgres started = EmbeddedPostgres.builder()
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                .start();
        postgres = started;
        jdbcUrl = started.getJdbcUrl("postgres", "postgres");
        try (Connection connection = DriverManager.getConnection(jdbcUrl);
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE EXTENSION pg_stat_statements");
        }
        // test.db inside the server too, where JUnit evaluates a test's conditions once more.
        System.setProperty("test.database.jvmOptions", "-Dtest.db=postgres -DTEST_DB_URL=" + jdbcUrl);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                postgres.close();
            } catch (Exception e) {
                // the JVM is going away anyway
            }
        }));
    }
}
