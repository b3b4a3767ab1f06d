package com.gputelemetry.system;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** A real PostgreSQL server from Maven's embedded binaries, and the environment that points the server jar at it. */
public final class TestPostgres implements AutoCloseable {

    private final Path data;
    private EmbeddedPostgres postgres;

    private TestPostgres(Path data, EmbeddedPostgres postgres) {
        this.data = data;
        this.postgres = postgres;
    }

    public static TestPostgres start() throws IOException {
        Path data = Files.createTempDirectory("telemetry-postgres");
        return new TestPostgres(data, server(data).setPort(FreePorts.one()).start());
    }

    // The data directory is this class's to delete (see close): the library would delete it whenever one of its
    // instances is closed, and a killed server's instance must be closed while its data lives on.
    private static EmbeddedPostgres.Builder server(Path data) {
        // The library turns synchronous commits off; a 200 from ingest means durable only with them on, as every
        // PostgreSQL runs by default.
        return EmbeddedPostgres.builder()
                .setDataDirectory(data)
                .setCleanDataDirectory(false)
                .setServerConfig("synchronous_commit", "on");
    }

    /** The database server's main process; its connections are its child processes. */
    public ProcessHandle process() throws IOException {
        long pid = Long.parseLong(
                Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
        return ProcessHandle.of(pid).orElseThrow();
    }

    /** SIGKILL to the database server: an immediate stop, as when its host fails. */
    void kill() throws IOException {
        ProcessHandle server = process();
        server.destroyForcibly();
        server.onExit().join();
        // Releases the library's lock on the data directory; stopping the dead server fails quietly.
        postgres.close();
    }

    /**
     * Shuts the database server down as an operator would: "fast" (SIGINT: connections are ended, a clean stop) or
     * "immediate" (SIGQUIT: no clean stop, crash recovery at the next start).
     */
    void shutDown(boolean immediate) throws IOException, InterruptedException {
        ProcessHandle server = process();
        int signalled = new ProcessBuilder("kill", immediate ? "-QUIT" : "-INT", Long.toString(server.pid()))
                .inheritIO()
                .start()
                .waitFor();
        if (signalled != 0) {
            throw new IllegalStateException("could not signal the database server");
        }
        server.onExit().join();
        postgres.close();
    }

    /**
     * Makes a standby of this server that replicates it synchronously, as an operator's highly available pair does:
     * this server waits for the standby to have each commit before it answers the commit. Built as a cold copy of
     * this server's data directory (stopped cleanly for the copy, then started again) marked as a standby that follows
     * this one, which is what {@code pg_basebackup} would make of a running server.
     */
    TestPostgres synchronousStandby() throws IOException, SQLException, InterruptedException {
        execute("ALTER SYSTEM SET synchronous_standby_names = 'standby'");
        int port = postgres.getPort();
        shutDown(false);
        Path copy = Files.createTempDirectory("telemetry-postgres-standby");
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.toList()) {
                Path target = copy.resolve(data.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else if (!file.getFileName().toString().equals("postmaster.pid")) {
                    Files.copy(file, target);
                }
            }
        }
        Files.createFile(copy.resolve("standby.signal"));
        Files.writeString(
                copy.resolve("postgresql.auto.conf"),
                "primary_conninfo = 'host=localhost port=" + port + " user=postgres application_name=standby'\n",
                StandardOpenOption.APPEND);
        restart();
        return new TestPostgres(copy, server(copy).setPort(FreePorts.one()).start());
    }

    /**
     * Makes this standby the primary, as a failover manager does once the primary is lost, and stops it waiting for
     * a standby of its own (it has none), which would hold every commit.
     */
    void promote() throws SQLException {
        execute("SELECT pg_promote(true, 60)");
        execute("ALTER SYSTEM SET synchronous_standby_names = ''", "SELECT pg_reload_conf()");
    }

    int port() {
        return postgres.getPort();
    }

    /** Starts the stopped server again, on its port and its data, which it recovers from its write-ahead log. */
    void restart() throws IOException {
        postgres = server(data).setPort(postgres.getPort()).start();
    }

    public String jdbcUrl() {
        return postgres.getJdbcUrl("postgres", "postgres");
    }

    /** What an operator sets to select PostgreSQL, with no rebuild. */
    public Map<String, String> serverEnvironment() {
        return Map.of(
                "TELEMETRY_DB_DATASOURCE", "org.postgresql.ds.PGSimpleDataSource",
                "TELEMETRY_DB_URL", jdbcUrl(),
                "TELEMETRY_DB_USER", "postgres",
                "TELEMETRY_DB_PASSWORD", "postgres");
    }

    /** Runs statements as the database's owner, e.g. to make the database refuse what the server asks of it. */
    void execute(String... statements) throws SQLException {
        try (Connection connection = DriverManager.getConnection(jdbcUrl(), "postgres", "postgres");
                Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    StoredTelemetry storedTelemetry() throws Exception {
        return StoredTelemetry.read(jdbcUrl(), "postgres", "postgres");
    }

    LogAudit logAudit() throws Exception {
        return LogAudit.read(jdbcUrl(), "postgres", "postgres");
    }

    RollupAudit rollupAudit() throws Exception {
        return RollupAudit.read(jdbcUrl(), "postgres", "postgres");
    }

    StoredScrapes storedScrapes(String uuidPrefix) throws Exception {
        return StoredScrapes.read(jdbcUrl(), "postgres", "postgres", uuidPrefix);
    }

    Map<String, Long> producerSequences() throws Exception {
        return LogAudit.producerSequences(jdbcUrl(), "postgres", "postgres");
    }

    @Override
    public void close() throws IOException {
        postgres.close();
        try (Stream<Path> files = Files.walk(data)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
