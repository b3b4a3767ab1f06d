package com.gputelemetry.system;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One packaged server on PostgreSQL that requires an ingest token, shared by the test classes that need nothing else
 * of a server: it starts with the first of them and stops when the whole run is over, which saves each of the others
 * a database and a server start. Each class leaves it as it found it (nothing streaming) and compares what it stores
 * against what it sent, not against an empty database.
 */
final class SharedPostgresServer implements BeforeAllCallback {

    static final String INGEST_TOKEN = "system-test-token";

    private Running running;

    private record Running(TestPostgres postgres, PackagedServer server) implements AutoCloseable {

        static Running start() {
            try {
                var postgres = TestPostgres.start();
                var environment = new HashMap<>(postgres.serverEnvironment());
                environment.put("INGEST_TOKEN", INGEST_TOKEN);
                try {
                    return new Running(postgres, PackagedServer.start(Map.copyOf(environment), "shared-postgres"));
                } catch (Exception e) {
                    postgres.close();
                    throw e;
                }
            } catch (Exception e) {
                throw new IllegalStateException("the shared server did not start", e);
            }
        }

        @Override
        public void close() throws Exception {
            try {
                server.close();
            } finally {
                postgres.close();
            }
        }
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        running = context.getRoot()
                .getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(Running.class, key -> Running.start(), Running.class);
    }

    TestPostgres postgres() {
        return running.postgres();
    }

    PackagedServer server() {
        return running.server();
    }
}
