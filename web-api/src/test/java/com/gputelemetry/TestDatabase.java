package com.gputelemetry;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts an embedded PostgreSQL on a fixed port before Arquillian starts Payara Micro, when the tests run on
 * PostgreSQL ({@code -Dtest.db=postgres}); that run's post-boot file points the datasource at it. Register it before
 * the Arquillian extension. Does nothing inside the server, where an in-container test class is run again.
 */
public class TestDatabase implements BeforeAllCallback {

    static final int PORT = 54329;
    // Typed by interface: the class is also deployed into the server, where EmbeddedPostgres is not on the class path.
    private static AutoCloseable postgres;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        boolean insideServer = System.getProperty("com.sun.aas.instanceRoot") != null;
        if (insideServer || !"postgres".equals(System.getProperty("test.db")) || postgres != null) {
            return;
        }
        postgres = EmbeddedPostgres.builder().setPort(PORT).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                postgres.close();
            } catch (Exception e) {
                // the JVM is going away anyway
            }
        }));
    }
}
