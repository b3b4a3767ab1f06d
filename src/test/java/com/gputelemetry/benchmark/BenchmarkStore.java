package com.gputelemetry.benchmark;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/** The database the benchmark runs on: how the server reaches it, how the benchmark loads and measures it. */
interface BenchmarkStore extends AutoCloseable {

    Map<String, String> environment();

    Connection connect() throws SQLException;

    /** Bytes on disk of a table with its indexes; -1 where the database does not tell them apart. */
    long bytes(Statement statement, String table) throws SQLException;

    /** Bytes of the whole database on disk, once the server has stopped; -1 where not measured. */
    long totalBytes() throws IOException;

    /**
     * What the database's own maintenance would do to freshly written tables anyway, and the space of the packed rows
     * and of the blocks' earlier versions given back.
     */
    void settle() throws SQLException;

    static BenchmarkStore postgres(Path data) throws IOException {
        EmbeddedPostgres postgres = EmbeddedPostgres.builder()
                .setDataDirectory(data.resolve("pg"))
                .setCleanDataDirectory(true)
                .setServerConfig("shared_buffers", "512MB")
                .setServerConfig("max_wal_size", "4GB")
                .start();
        String jdbc = postgres.getJdbcUrl("postgres", "postgres");
        return new BenchmarkStore() {
            @Override
            public Map<String, String> environment() {
                return Map.of(
                        "TELEMETRY_DB_DATASOURCE", "org.postgresql.ds.PGSimpleDataSource",
                        "TELEMETRY_DB_URL", jdbc,
                        "TELEMETRY_DB_USER", "postgres",
                        "TELEMETRY_DB_PASSWORD", "postgres");
            }

            @Override
            public Connection connect() throws SQLException {
                return DriverManager.getConnection(jdbc, "postgres", "postgres");
            }

            @Override
            public long bytes(Statement statement, String table) throws SQLException {
                try (ResultSet rs = statement.executeQuery("SELECT pg_total_relation_size('" + table + "')")) {
                    rs.next();
                    return rs.getLong(1);
                }
            }

            @Override
            public long totalBytes() {
                return -1;
            }

            @Override
            public void settle() throws SQLException {
                try (Connection connection = connect();
                        Statement statement = connection.createStatement()) {
                    statement.execute("VACUUM ANALYZE");
                    // The packed rows' space and the rewritten blocks' old versions (free for new ones anyway)
                    // given back, so that the sizes are those of the data at rest.
                    statement.execute("VACUUM FULL telemetry_point, telemetry_block, telemetry_rollup_1m_block,"
                            + " telemetry_rollup_1h_block");
                    statement.execute("CHECKPOINT");
                }
            }

            @Override
            public void close() throws IOException {
                postgres.close();
            }
        };
    }

    /**
     * An H2 file the server opens first, embedded, as in production; AUTO_SERVER lets the benchmark load and read it
     * meanwhile, over the TCP server H2 then starts in the server's process (H2 refuses it with the server's usual
     * DB_CLOSE_ON_EXIT=FALSE: the file is closed as the JVM exits).
     */
    static BenchmarkStore h2(Path data) {
        String url = "jdbc:h2:file:" + data.resolve("telemetry") + ";AUTO_SERVER=TRUE";
        return new BenchmarkStore() {
            @Override
            public Map<String, String> environment() {
                return Map.of("TELEMETRY_DB_URL", url);
            }

            @Override
            public Connection connect() throws SQLException {
                return DriverManager.getConnection(url, "telemetry", "telemetry");
            }

            @Override
            public long bytes(Statement statement, String table) {
                return -1;
            }

            @Override
            public long totalBytes() throws IOException {
                return Files.size(data.resolve("telemetry.mv.db"));
            }

            @Override
            public void settle() {}

            @Override
            public void close() {}
        };
    }
}
