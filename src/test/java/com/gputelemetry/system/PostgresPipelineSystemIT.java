package com.gputelemetry.system;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The pipeline on a real PostgreSQL server, selected by environment variables only: the same jar as for H2. */
class PostgresPipelineSystemIT extends PipelineSystemTest {

    private static TestPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        startServer("postgres", scratch -> {
            postgres = TestPostgres.start();
            return postgres.serverEnvironment();
        });
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        // Runs before the base class's @AfterAll: stop the server while its database is still there.
        stopServer();
        if (postgres != null) {
            postgres.close();
        }
    }
}
