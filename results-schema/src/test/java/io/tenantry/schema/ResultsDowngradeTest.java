package io.tenantry.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.MigrationInfo;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.tenantry.servers.LocalServers;
import io.tenantry.servers.PostgresEndpoint;
import io.tenantry.testing.SchemaChecks;

/**
 * Every migration's inverse, on a real PostgreSQL with rows in every table: undoing a migration gives back exactly
 * the schema of the version before it, and migrating up again gives back exactly the newest schema.
 */
class ResultsDowngradeTest {

    private static LocalServers servers;
    private static PostgresEndpoint pg;
    private int seeded;

    @BeforeAll
    static void start() {
        servers = LocalServers.start(1, null);
        pg = servers.postgres(0);
    }

    @AfterAll
    static void stop() {
        servers.close();
    }

    @Test
    void everyMigrationGoesUpDownAndUpAgainToTheSameSchema() throws SQLException {
        String db = "results_downgrade_check";
        pg.createDatabaseIfMissing(db);
        try (Connection c = pg.connect(db)) {
            List<MigrationInfo> migrations = List.of(flyway(db, null).info().all());
            Map<String, List<String>> catalogAt = new HashMap<>();
            catalogAt.put("0", SchemaChecks.catalog(c));
            for (MigrationInfo m : migrations) {
                flyway(db, m.getVersion().getVersion()).migrate();
                seed(c);
                catalogAt.put(m.getVersion().getVersion(), SchemaChecks.catalog(c));
            }
            List<String> newest = catalogAt.get(ResultsSchema.NEWEST_VERSION);
            for (int n = migrations.size() - 1; n >= 0; n--) {
                for (int i = migrations.size() - 1; i >= n; i--) {
                    undo(c, migrations.get(i));
                    seed(c);
                    String before = i == 0 ? "0" : migrations.get(i - 1).getVersion().getVersion();
                    assertEquals(catalogAt.get(before), SchemaChecks.catalog(c),
                            "undoing " + migrations.get(i).getScript() + " leaves the schema of version " + before);
                }
                flyway(db, null).migrate();
                seed(c);
                assertEquals(newest, SchemaChecks.catalog(c),
                        "migrating up again after undoing down to " + migrations.get(n).getScript());
                assertEquals(ResultsSchema.NEWEST_VERSION,
                        flyway(db, null).info().current().getVersion().getVersion());
            }
        }
    }

    /**
     * Staged migrations carry their inverses beside them: Flyway Community has no U prefix and, with its default of
     * not validating names, skips such files. With name validation on it refuses them, so tenant databases' Flyway
     * keeps that default.
     */
    @Test
    void flywayLeavesInversesInAScannedLocationAlone(@TempDir Path staged) throws IOException {
        Files.copy(Path.of("src/main/resources/db/results/V1__jobs_and_results.sql"),
                staged.resolve("V1__jobs_and_results.sql"));
        Files.copy(Path.of("src/main/resources/db/results-undo/U1__jobs_and_results.sql"),
                staged.resolve("U1__jobs_and_results.sql"));
        String db = "results_staged_inverse_check";
        pg.createDatabaseIfMissing(db);
        FluentConfiguration config = Flyway.configure()
                .dataSource(pg.jdbcUrl(db), pg.superuser(), pg.superuserPassword())
                .locations("filesystem:" + staged);
        FlywayException refused = assertThrows(FlywayException.class,
                () -> config.validateMigrationNaming(true).load().migrate());
        assertTrue(refused.getMessage().contains("U1__jobs_and_results.sql"), refused.getMessage());

        Flyway flyway = config.validateMigrationNaming(false).load();
        assertEquals(1, flyway.migrate().migrationsExecuted);
        assertEquals(1, flyway.info().all().length);
        flyway.validate();
        assertTrue(Inverses.read("filesystem:" + staged, "V1__jobs_and_results.sql").isPresent());
    }

    private static Flyway flyway(String db, String target) {
        var config = Flyway.configure().dataSource(pg.jdbcUrl(db), pg.superuser(), pg.superuserPassword())
                .locations(ResultsSchema.LOCATION);
        return (target == null ? config : config.target(target)).load();
    }

    /** What a downgrade does for one migration: its inverse and the removal of its history row, together. */
    private static void undo(Connection c, MigrationInfo migration) throws SQLException {
        String inverse = Inverses.read(ResultsSchema.LOCATION, migration.getScript()).orElseThrow();
        c.setAutoCommit(false);
        try (Statement s = c.createStatement();
             PreparedStatement history = c.prepareStatement("DELETE FROM flyway_schema_history WHERE version = ?")) {
            s.execute(inverse);
            history.setString(1, migration.getVersion().getVersion());
            assertEquals(1, history.executeUpdate());
            c.commit();
        } finally {
            c.setAutoCommit(true);
        }
    }

    /** Adds a row to every table the schema has now, and checks that no table is left empty. */
    private void seed(Connection c) throws SQLException {
        int round = ++seeded;
        List<String> tables = tables(c);
        UUID job = UUID.randomUUID();
        UUID execution = UUID.randomUUID();
        if (tables.contains("jobs")) {
            execute(c, """
                    INSERT INTO jobs (id, template_id, template_name, template_version, steps, inputs, status,
                                      submitted_by, created_at, updated_at)
                    VALUES (?, gen_random_uuid(), 'dock', 1, '[]', '{}', 'queued', 'test', now(), now())""", job);
            execute(c, """
                    INSERT INTO task_executions (id, job_id, step_index, step_name, task_name, status)
                    VALUES (?, ?, 0, 'dock', 'dock', 'pending')""", execution, job);
            execute(c, "INSERT INTO task_results (id, execution_id, data, created_at) VALUES (gen_random_uuid(), ?, '{}', now())",
                    execution);
            execute(c, "INSERT INTO job_events (job_id, occurred_at, kind) VALUES (?, now(), 'submitted')", job);
            execute(c, """
                    INSERT INTO docking_results (job_id, molecule_id, score, poses, created_at)
                    VALUES (?, gen_random_uuid(), -7.5, '[]', now())""", job);
        }
        if (tables.contains("job_submissions_hourly")) {
            execute(c, "INSERT INTO job_submissions_hourly (hour, submitted) VALUES ('2026-01-01'::timestamptz + ? * interval '1 hour', 1)",
                    round);
        }
        if (tables.contains("idempotency_keys")) {
            execute(c, "INSERT INTO idempotency_keys (caller, key, fingerprint, created_at) VALUES ('test', ?, repeat('a', 64), now())",
                    "key-" + round);
        }
        for (String table : tables) {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM \"" + table + "\"")) {
                rs.next();
                assertTrue(rs.getLong(1) > 0, "the test seeds no rows into " + table + ": add them to seed()");
            }
        }
    }

    private static List<String> tables(Connection c) throws SQLException {
        List<String> tables = new ArrayList<>();
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT tablename FROM pg_tables
                 WHERE schemaname = 'public' AND tablename <> 'flyway_schema_history'""")) {
            while (rs.next()) {
                tables.add(rs.getString(1));
            }
        }
        return tables;
    }

    private static void execute(Connection c, String sql, Object... params) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            s.executeUpdate();
        }
    }
}
