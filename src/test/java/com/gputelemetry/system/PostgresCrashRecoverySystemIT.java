package com.gputelemetry.system;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;

/** Kill and restart on a real PostgreSQL server. */
class PostgresCrashRecoverySystemIT extends CrashRecoverySystemTest {

    private static TestPostgres postgres;

    @Override
    Database database(Path scratch) throws Exception {
        postgres = TestPostgres.start();
        return new Database() {
            @Override
            public Map<String, String> environment() {
                return postgres.serverEnvironment();
            }

            @Override
            public StoredTelemetry read() throws Exception {
                return postgres.storedTelemetry();
            }

            @Override
            public LogAudit audit() throws Exception {
                return postgres.logAudit();
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
