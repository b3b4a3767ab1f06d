package com.gputelemetry.system;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;

/** A real PostgreSQL server from Maven's embedded binaries, and the environment that points the server jar at it. */
final class TestPostgres implements AutoCloseable {

    private final EmbeddedPostgres postgres;

    private TestPostgres(EmbeddedPostgres postgres) {
        this.postgres = postgres;
    }

    static TestPostgres start() throws IOException {
        return new TestPostgres(EmbeddedPostgres.builder()
                .setDataDirectory(
                        Files.createTempDirectory("telemetry-postgres").resolve("pg"))
                .setCleanDataDirectory(true)
                .start());
    }

    String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    /** What an operator sets to select PostgreSQL, with no rebuild. */
    Map<String, String> serverEnvironment() {
        return Map.of(
                "TELEMETRY_DB_DATASOURCE", "org.postgresql.ds.PGSimpleDataSource",
                "TELEMETRY_DB_URL", jdbcUrl(),
                "TELEMETRY_DB_USER", "postgres",
                "TELEMETRY_DB_PASSWORD", "postgres");
    }

    StoredTelemetry storedTelemetry() throws Exception {
        return StoredTelemetry.read(jdbcUrl(), "postgres", "postgres");
    }

    @Override
    public void close() throws IOException {
        postgres.close();
    }
}
