package com.gputelemetry;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
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

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        boolean insideServer = System.getProperty("com.sun.aas.instanceRoot") != null;
        if (insideServer || !"postgres".equals(System.getProperty("test.db")) || postgres != null) {
            return;
        }
        // With synchronous commits on, as every PostgreSQL runs by default (the library turns them off).
        EmbeddedPostgres started = EmbeddedPostgres.builder()
                .setServerConfig("synchronous_commit", "on")
                .start();
        postgres = started;
        // test.db inside the server too, where JUnit evaluates a test's conditions once more.
        System.setProperty(
                "test.database.jvmOptions",
                "-Dtest.db=postgres -DTEST_DB_URL=" + started.getJdbcUrl("postgres", "postgres"));
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                postgres.close();
            } catch (Exception e) {
                // the JVM is going away anyway
            }
        }));
    }
}
