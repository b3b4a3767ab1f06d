package com.gputelemetry.schema.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.gputelemetry.telemetry.entity.TelemetrySeries;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.h2.jdbcx.JdbcDataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The migrations on both databases the server supports: an upgrade from every earlier version to the latest, the
 * checksums of what was applied, and the refusal of a database whose applied scripts have changed since.
 */
class SchemaMigrationsTest {

    private static final int LATEST = SchemaMigrations.MIGRATIONS
            .get(SchemaMigrations.MIGRATIONS.size() - 1)
            .version();
    private static final AtomicInteger DATABASES = new AtomicInteger();

    private static EmbeddedPostgres postgres;

    @BeforeAll
    static void startPostgres() throws Exception {
        postgres = EmbeddedPostgres.builder().start();
    }

    @AfterAll
    static void stopPostgres() throws Exception {
        postgres.close();
    }

    static Stream<Arguments> upgrades() {
        return Stream.of("h2", "postgres")
                .flatMap(database -> IntStream.range(0, LATEST).mapToObj(from -> Arguments.of(database, from)));
    }

    @ParameterizedTest(name = "{0} from version {1}")
    @MethodSource("upgrades")
    void aDatabaseAtAnEarlierVersionIsUpgradedToTheLatestAndKeepsItsData(String database, int from) throws Exception {
        SchemaMigrations migrations = migrations(freshDatabase(database));
        migrations.migrateTo(from);
        if (from >= 2) {
            update(
                    migrations,
                    "INSERT INTO gpu (uuid, hostname, gpu_index, device, model, first_seen_us, last_seen_us)"
                            + " VALUES ('GPU-1', 'host-a', 0, 'nvidia0', 'H100', 1, 2)");
            update(
                    migrations,
                    "INSERT INTO telemetry_point (id, gpu_uuid, metric, time_us, metric_value) VALUES"
                            + " (1, 'GPU-1', 'DCGM_FI_DEV_GPU_TEMP', 1000, 41.5),"
                            + " (2, 'GPU-1', 'DCGM_FI_DEV_POWER_USAGE', 1000, 300)");
        }
        if (from >= 7) {
            update(
                    migrations,
                    "INSERT INTO telemetry_point (id, gpu_uuid, metric, time_us, metric_value, workload_id)"
                            + " VALUES (3, 'GPU-1', 'DCGM_FI_DEV_GPU_TEMP', 2000, 42, 77)");
        }
        if (from >= 9) {
            // Registered already (by the rollups of an earlier version): registered once.
            update(
                    migrations,
                    "INSERT INTO telemetry_series (id, gpu_uuid, metric, workload_id) VALUES ("
                            + TelemetrySeries.idOf("GPU-1", "DCGM_FI_DEV_GPU_TEMP", 0)
                            + ", 'GPU-1', 'DCGM_FI_DEV_GPU_TEMP', 0)");
        }

        migrations.migrate();

        assertThat(checksums(migrations)).isEqualTo(expectedChecksums());
        assertThat(metricsColumnSize(migrations)).as("gpu.metrics after V6").isEqualTo(100_000);
        if (from >= 2) {
            assertThat(count(migrations, "SELECT COUNT(*) FROM gpu WHERE uuid = 'GPU-1'"))
                    .isOne();
            List<String> expected = new ArrayList<>(List.of(
                    "1 " + TelemetrySeries.idOf("GPU-1", "DCGM_FI_DEV_GPU_TEMP", 0)
                            + " GPU-1 DCGM_FI_DEV_GPU_TEMP 0 1000 41.5",
                    "2 " + TelemetrySeries.idOf("GPU-1", "DCGM_FI_DEV_POWER_USAGE", 0)
                            + " GPU-1 DCGM_FI_DEV_POWER_USAGE 0 1000 300.0"));
            if (from >= 7) {
                expected.add("3 " + TelemetrySeries.idOf("GPU-1", "DCGM_FI_DEV_GPU_TEMP", 77)
                        + " GPU-1 DCGM_FI_DEV_GPU_TEMP 77 2000 42.0");
            }
            assertThat(points(migrations))
                    .as("the points, each by its series as the collectors name it")
                    .containsExactlyElementsOf(expected);
            assertThat(count(migrations, "SELECT COUNT(*) FROM telemetry_series"))
                    .isEqualTo(expected.size());
        }
    }

    /**
     * H2 commits each DDL statement at once: a server killed in migration 12's step leaves it half done, and the next
     * start must finish it (on PostgreSQL the whole migration is rolled back instead; the same start finishes it).
     */
    @ParameterizedTest
    @MethodSource("databases")
    void aMigrationToPointsBySeriesKilledHalfWayIsFinishedByTheNextStart(String database) throws Exception {
        SchemaMigrations migrations = migrations(freshDatabase(database));
        migrations.migrateTo(11);
        long series = TelemetrySeries.idOf("GPU-1", "DCGM_FI_DEV_GPU_TEMP", 0);
        update(
                migrations,
                "INSERT INTO telemetry_point (id, gpu_uuid, metric, time_us, metric_value) VALUES"
                        + " (1, 'GPU-1', 'DCGM_FI_DEV_GPU_TEMP', 1000, 41.5),"
                        + " (2, 'GPU-1', 'DCGM_FI_DEV_GPU_TEMP', 2000, 42)");
        // What the killed run did: the earlier table renamed, the new one made, its series and one point moved.
        update(migrations, "ALTER TABLE telemetry_point RENAME TO telemetry_point_by_gpu");
        update(
                migrations,
                "CREATE TABLE telemetry_point (series_id BIGINT NOT NULL, time_us BIGINT NOT NULL, id BIGINT NOT NULL,"
                        + " metric_value DOUBLE PRECISION NOT NULL, source_time_us BIGINT,"
                        + " CONSTRAINT telemetry_point_series_time PRIMARY KEY (series_id, time_us, id))");
        update(
                migrations,
                "INSERT INTO telemetry_series (id, gpu_uuid, metric, workload_id) VALUES (" + series
                        + ", 'GPU-1', 'DCGM_FI_DEV_GPU_TEMP', 0)");
        update(
                migrations,
                "INSERT INTO telemetry_point (series_id, time_us, id, metric_value) VALUES (" + series
                        + ", 1000, 1, 41.5)");

        migrations.migrate();

        assertThat(points(migrations))
                .containsExactly(
                        "1 " + series + " GPU-1 DCGM_FI_DEV_GPU_TEMP 0 1000 41.5",
                        "2 " + series + " GPU-1 DCGM_FI_DEV_GPU_TEMP 0 2000 42.0");
        assertThat(count(
                        migrations,
                        "SELECT COUNT(*) FROM information_schema.tables"
                                + " WHERE LOWER(table_name) = 'telemetry_point_by_gpu'"))
                .as("the earlier table, emptied, dropped")
                .isZero();
        assertThat(checksums(migrations)).isEqualTo(expectedChecksums());
    }

    /** Each point as id, series id, its series' GPU, metric and workload, time and value. */
    private static List<String> points(SchemaMigrations migrations) throws SQLException {
        List<String> points = new ArrayList<>();
        try (Connection connection = migrations.dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT p.id, p.series_id, s.gpu_uuid, s.metric, s.workload_id,"
                        + " p.time_us, p.metric_value FROM telemetry_point p JOIN telemetry_series s"
                        + " ON s.id = p.series_id ORDER BY p.id")) {
            while (rs.next()) {
                points.add(rs.getLong(1) + " " + rs.getLong(2) + " " + rs.getString(3) + " " + rs.getString(4) + " "
                        + rs.getLong(5) + " " + rs.getLong(6) + " " + rs.getDouble(7));
            }
        }
        return points;
    }

    @ParameterizedTest
    @MethodSource("databases")
    void migratingAgainChangesNothing(String database) throws Exception {
        SchemaMigrations migrations = migrations(freshDatabase(database));
        migrations.migrate();
        long appliedAt = count(migrations, "SELECT SUM(applied_at_ms) FROM schema_version");

        migrations.migrate();

        assertThat(count(migrations, "SELECT SUM(applied_at_ms) FROM schema_version"))
                .isEqualTo(appliedAt);
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aDatabaseMigratedBeforeChecksumsWereRecordedGetsThem(String database) throws Exception {
        SchemaMigrations migrations = migrations(freshDatabase(database));
        migrations.migrateTo(5);
        update(migrations, "ALTER TABLE schema_version DROP COLUMN checksum");

        migrations.migrate();

        assertThat(checksums(migrations)).isEqualTo(expectedChecksums());
    }

    @ParameterizedTest
    @MethodSource("databases")
    void aDatabaseWhoseAppliedMigrationChangedIsRefusedWithTheReason(String database) throws Exception {
        SchemaMigrations migrations = migrations(freshDatabase(database));
        migrations.migrate();
        update(migrations, "UPDATE schema_version SET checksum = 'edited' WHERE version = 5");

        assertThatThrownBy(migrations::migrate)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("V5__telemetry_queries.sql was changed after it was applied")
                .hasMessageContaining("new migration");
    }

    /**
     * H2 otherwise writes a commit to its file up to 500 ms late, and a killed server loses batches it acknowledged.
     * (The kill itself is tested by the opt-in H2CrashRecoverySystemIT: H2's file does not always survive it.)
     */
    @Test
    void h2WritesEveryCommitToItsFileBeforeAnswering(@TempDir Path directory) throws Exception {
        var file = new JdbcDataSource();
        file.setURL("jdbc:h2:file:" + directory.resolve("telemetry") + ";DB_CLOSE_ON_EXIT=FALSE");
        SchemaMigrations migrations = migrations(file);
        assertThat(setting(migrations, "WRITE_DELAY")).as("H2's default").isEqualTo("500");

        migrations.migrate();

        assertThat(setting(migrations, "WRITE_DELAY")).isEqualTo("0");
    }

    static Stream<String> databases() {
        return Stream.of("h2", "postgres");
    }

    /**
     * The checksums committed when each migration was released: literals, not what the code computes now, so that a
     * script edited after its release fails this build rather than the databases it was applied to.
     */
    private static Map<Integer, String> expectedChecksums() throws IOException {
        Map<String, String> released = releasedChecksums();
        Map<Integer, String> expected = new TreeMap<>();
        SchemaMigrations.MIGRATIONS.forEach(m -> expected.put(m.version(), released.get(m.fileName())));
        return expected;
    }

    private static Map<String, String> releasedChecksums() throws IOException {
        try (InputStream in = SchemaMigrationsTest.class.getResourceAsStream("/released-migrations.sha256")) {
            Map<String, String> released = new TreeMap<>();
            new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .lines()
                    .filter(line -> !line.isBlank() && !line.startsWith("#"))
                    .map(line -> line.split(" "))
                    .forEach(fields -> released.put(fields[0], fields[1]));
            return released;
        }
    }

    @Test
    void noReleasedMigrationWasEditedAndEachHasItsReleasedChecksum() throws Exception {
        Map<String, String> released = releasedChecksums();
        assertThat(SchemaMigrations.MIGRATIONS)
                .extracting(SchemaMigrations.Migration::fileName)
                .as("every migration with its line in released-migrations.sha256")
                .containsExactlyInAnyOrderElementsOf(released.keySet());
        SchemaMigrations.MIGRATIONS.forEach(migration -> assertThat(migration.checksum())
                .as("%s as released: write a new migration instead of editing it", migration.fileName())
                .isEqualTo(released.get(migration.fileName())));
    }

    private static SchemaMigrations migrations(DataSource dataSource) {
        var migrations = new SchemaMigrations();
        migrations.dataSource = dataSource;
        return migrations;
    }

    /** An empty database of its own for each case. */
    private static DataSource freshDatabase(String database) throws SQLException {
        String name = "migrations_" + DATABASES.incrementAndGet();
        if (database.equals("h2")) {
            var h2 = new JdbcDataSource();
            h2.setURL("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
            return h2;
        }
        try (Connection connection = postgres.getPostgresDatabase().getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute("CREATE DATABASE " + name);
        }
        return postgres.getDatabase("postgres", name);
    }

    private static Map<Integer, String> checksums(SchemaMigrations migrations) throws SQLException {
        Map<Integer, String> checksums = new TreeMap<>();
        try (Connection connection = migrations.dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery("SELECT version, checksum FROM schema_version")) {
            while (rs.next()) {
                checksums.put(rs.getInt(1), rs.getString(2));
            }
        }
        return checksums;
    }

    private static int metricsColumnSize(SchemaMigrations migrations) throws SQLException {
        try (Connection connection = migrations.dataSource.getConnection()) {
            boolean upper = connection.getMetaData().storesUpperCaseIdentifiers();
            try (ResultSet columns = connection
                    .getMetaData()
                    .getColumns(null, null, upper ? "GPU" : "gpu", upper ? "METRICS" : "metrics")) {
                assertThat(columns.next()).as("gpu.metrics exists").isTrue();
                return columns.getInt("COLUMN_SIZE");
            }
        }
    }

    private static String setting(SchemaMigrations migrations, String name) throws SQLException {
        try (Connection connection = migrations.dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(
                        "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS WHERE SETTING_NAME = '" + name + "'")) {
            assertThat(rs.next()).as("setting %s", name).isTrue();
            return rs.getString(1);
        }
    }

    private static long count(SchemaMigrations migrations, String sql) throws SQLException {
        try (Connection connection = migrations.dataSource.getConnection();
                Statement statement = connection.createStatement();
                ResultSet rs = statement.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void update(SchemaMigrations migrations, String sql) throws SQLException {
        try (Connection connection = migrations.dataSource.getConnection();
                Statement statement = connection.createStatement()) {
            statement.execute(sql);
        }
    }
}
