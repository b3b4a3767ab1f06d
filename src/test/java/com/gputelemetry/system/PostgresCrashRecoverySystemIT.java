package com.gputelemetry.system;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Kill and restart on a real PostgreSQL server. */
class PostgresCrashRecoverySystemIT extends CrashRecoverySystemTest {

    @RegisterExtension
    static final Closing CLOSING = new Closing();

    private static TestPostgres postgres;

    @Override
    Database database(Path scratch) throws Exception {
        postgres = CLOSING.add(TestPostgres.start());
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

            @Override
            public RollupAudit rollupAudit() throws Exception {
                return postgres.rollupAudit();
            }

            @Override
            public StoredScrapes scrapes(String uuidPrefix) throws Exception {
                return postgres.storedScrapes(uuidPrefix);
            }
        };
    }
}
