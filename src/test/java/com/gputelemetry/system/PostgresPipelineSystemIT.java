package com.gputelemetry.system;

import org.junit.jupiter.api.BeforeAll;

/** The pipeline on a real PostgreSQL server, selected by environment variables only: the same jar as for H2. */
class PostgresPipelineSystemIT extends PipelineSystemTest {

    @BeforeAll
    static void start() throws Exception {
        startServer("postgres", scratch -> CLOSING.add(TestPostgres.start()).serverEnvironment());
    }
}
