package com.gputelemetry.system;

import java.util.Map;
import org.junit.jupiter.api.BeforeAll;

/** The pipeline on the default embedded H2 database, kept in files of a fresh directory. */
class H2PipelineSystemIT extends PipelineSystemTest {

    @BeforeAll
    static void start() throws Exception {
        startServer("h2", scratch -> Map.of("TELEMETRY_DB_URL", PackagedServer.h2Url(scratch)));
    }
}
