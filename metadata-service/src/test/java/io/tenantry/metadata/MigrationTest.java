package io.tenantry.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.servers.PostgresEndpoint;
import io.tenantry.testing.SchemaChecks;
import io.tenantry.testing.TenantryTestServers;

/**
 * The migrations build the schema from an empty database, and Hibernate validated the entity model against it
 * when this application started (schema-management strategy "validate").
 */
@QuarkusTest
@WithTestResource(TenantryTestServers.class)
class MigrationTest {

    @Inject
    Flyway flyway;

    @Test
    void migrationsApplyOnAnEmptyDatabaseWithNothingPending() throws SQLException {
        assertEquals(0, flyway.info().pending().length);
        PostgresEndpoint pg = TenantryTestServers.servers().postgres(0);
        String scratch = "migration_check_" + System.nanoTime();
        pg.createDatabaseIfMissing(scratch);
        Flyway fresh = Flyway.configure().dataSource(pg.jdbcUrl(scratch), pg.superuser(), pg.superuserPassword())
                .locations(MetadataSchema.LOCATION).load();
        assertTrue(fresh.migrate().migrationsExecuted >= 1);
        assertEquals(flyway.info().current().getVersion(), fresh.info().current().getVersion());
    }

    @Test
    void everyForeignKeyIsCoveredByAnIndex() throws SQLException {
        try (Connection c = TenantryTestServers.servers().postgres(0).connect(TenantryTestServers.METADATA_DATABASE)) {
            List<String> uncovered = SchemaChecks.foreignKeysWithoutIndex(c);
            assertTrue(uncovered.isEmpty(), "foreign keys without a leading index: " + uncovered);
        }
    }

    @Test
    void schemasWrittenForTheOldSubsetKeepRefusingKeysOutsideTheirProperties() throws SQLException {
        PostgresEndpoint pg = TenantryTestServers.servers().postgres(0);
        String scratch = "migration_v4_" + System.nanoTime();
        pg.createDatabaseIfMissing(scratch);
        Flyway.configure().dataSource(pg.jdbcUrl(scratch), pg.superuser(), pg.superuserPassword())
                .locations(MetadataSchema.LOCATION).target("3").load().migrate();
        try (Connection c = pg.connect(scratch); Statement sql = c.createStatement()) {
            sql.execute("""
                    INSERT INTO task_definitions (name, display_name, config_schema, created_at) VALUES
                        ('closed', 'Closed', '{"type": "object", "properties": {"a": {"type": "string"}}}', now()),
                        ('open', 'Open', '{"type": "object", "properties": {}, "additionalProperties": true}', now()),
                        ('bare', 'Bare', '{"type": "object"}', now())""");
            Flyway.configure().dataSource(pg.jdbcUrl(scratch), pg.superuser(), pg.superuserPassword())
                    .locations(MetadataSchema.LOCATION).load().migrate();
            ResultSet rows = sql.executeQuery(
                    "SELECT name, config_schema -> 'additionalProperties' FROM task_definitions ORDER BY name");
            List<String> seen = new ArrayList<>();
            while (rows.next()) {
                seen.add(rows.getString(1) + "=" + rows.getString(2));
            }
            assertEquals(List.of("bare=null", "closed=false", "open=true"), seen);
        }
    }
}
