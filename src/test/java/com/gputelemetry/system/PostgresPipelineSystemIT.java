package com.gputelemetry.system;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The pipeline on a real PostgreSQL server, selected by environment variables only: the same jar as for H2. */
class PostgresPipelineSystemIT extends PipelineSystemTest {

    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void start() throws Exception {
        startServer("postgres", scratch -> {
            postgres = EmbeddedPostgres.builder()
                    .setDataDirectory(scratch.resolve("pg"))
                    .setCleanDataDirectory(true)
                    .start();
            return Map.of(
                    "TELEMETRY_DB_DATASOURCE", "org.postgresql.ds.PGSimpleDataSource",
                    "TELEMETRY_DB_URL", postgres.getJdbcUrl("postgres", "postgres"),
                    "TELEMETRY_DB_USER", "postgres",
                    "TELEMETRY_DB_PASSWORD", "postgres");
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
