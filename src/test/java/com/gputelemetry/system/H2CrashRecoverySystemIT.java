package com.gputelemetry.system;

import java.nio.file.Path;
import java.util.Map;

/** Kill and restart on the embedded H2 file database. */
class H2CrashRecoverySystemIT extends CrashRecoverySystemTest {

    @Override
    Database database(Path scratch) {
        String url = "jdbc:h2:file:" + scratch.resolve("telemetry") + ";DB_CLOSE_ON_EXIT=FALSE";
        return new Database() {
            @Override
            public Map<String, String> environment() {
                return Map.of("TELEMETRY_DB_URL", url);
            }

            @Override
            public StoredTelemetry read() throws Exception {
                // The server's defaults; the server is stopped, so the file is free.
                return StoredTelemetry.read(url, "telemetry", "telemetry");
            }
        };
    }
}
