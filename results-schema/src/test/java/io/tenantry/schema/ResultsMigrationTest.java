package io.tenantry.schema;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tenantry.servers.LocalServers;
import io.tenantry.servers.PostgresEndpoint;
import io.tenantry.testing.SchemaChecks;

/** The tenant schema on a real PostgreSQL: built from nothing, indexed where it joins, and its timeline kept. */
class ResultsMigrationTest {

    private static LocalServers servers;
    private static PostgresEndpoint pg;

    @BeforeAll
    static void migrate() {
        servers = LocalServers.start(1, null);
        pg = servers.postgres(0);
        pg.createDatabaseIfMissing("results_schema_check");
        Flyway.configure().dataSource(pg.jdbcUrl("results_schema_check"), pg.superuser(), pg.superuserPassword())
                .locations(ResultsSchema.LOCATION).load().migrate();
    }

    @AfterAll
    static void stop() {
        servers.close();
    }

    @Test
    void migrationsReachTheNewestVersion() {
        Flyway flyway = Flyway.configure()
                .dataSource(pg.jdbcUrl("results_schema_check"), pg.superuser(), pg.superuserPassword())
                .locations(ResultsSchema.LOCATION).load();
        assertEquals(ResultsSchema.NEWEST_VERSION, flyway.info().current().getVersion().getVersion());
        assertEquals(0, flyway.info().pending().length);
    }

    @Test
    void everyForeignKeyIsCoveredByAnIndex() throws SQLException {
        try (Connection c = pg.connect("results_schema_check")) {
            List<String> uncovered = SchemaChecks.foreignKeysWithoutIndex(c);
            assertTrue(uncovered.isEmpty(), "foreign keys without a leading index: " + uncovered);
        }
    }

    @Test
    void theJobTimelineCannotBeRewritten() throws SQLException {
        try (Connection c = pg.connect("results_schema_check"); Statement s = c.createStatement()) {
            s.execute("""
                    INSERT INTO jobs (id, template_id, template_name, template_version, steps, inputs, status,
                                      submitted_by, created_at, updated_at)
                    VALUES ('00000000-0000-7000-8000-000000000001', gen_random_uuid(), 't', 1, '[]', '{}', 'queued',
                            'test', now(), now())""");
            s.execute("""
                    INSERT INTO job_events (job_id, occurred_at, kind)
                    VALUES ('00000000-0000-7000-8000-000000000001', now(), 'submitted')""");
            for (String rewrite : List.of("UPDATE job_events SET kind = 'forged'", "DELETE FROM job_events",
                    "TRUNCATE job_events CASCADE")) {
                SQLException refused = assertThrows(SQLException.class, () -> s.execute(rewrite), rewrite);
                assertEquals("42501", refused.getSQLState(), rewrite);
            }
        }
    }
}
