package com.gputelemetry.system;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/** Kill and restart on a real PostgreSQL server. */
class PostgresCrashRecoverySystemIT extends CrashRecoverySystemTest {

    private static EmbeddedPostgres postgres;

    @Override
    Database database(Path scratch) throws Exception {
        postgres = EmbeddedPostgres.builder()
                .setDataDirectory(scratch.resolve("pg"))
                .setCleanDataDirectory(true)
                .start();
        String url = postgres.getJdbcUrl("postgres", "postgres");
        return new Database() {
            @Override
            public Map<String, String> environment() {
                return Map.of(
                        "TELEMETRY_DB_DATASOURCE", "org.postgresql.ds.PGSimpleDataSource",
                        "TELEMETRY_DB_URL", url,
                        "TELEMETRY_DB_USER", "postgres",
                        "TELEMETRY_DB_PASSWORD", "postgres");
            }

            @Override
            public StoredTelemetry read() throws Exception {
                return StoredTelemetry.read(url, "postgres", "postgres");
            }
        };
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        if (postgres != null) {
            postgres.close();
        }
    }
}
