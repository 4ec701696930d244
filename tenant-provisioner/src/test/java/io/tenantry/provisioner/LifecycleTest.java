package io.tenantry.provisioner;

import static io.tenantry.provisioner.ProvisionerTestSupport.asTenant;
import static io.tenantry.provisioner.ProvisionerTestSupport.desire;
import static io.tenantry.provisioner.ProvisionerTestSupport.exists;
import static io.tenantry.provisioner.ProvisionerTestSupport.newOrganization;
import static io.tenantry.provisioner.ProvisionerTestSupport.registry;
import static io.tenantry.provisioner.ProvisionerTestSupport.serverOf;
import static io.tenantry.provisioner.ProvisionerTestSupport.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.provisioner.reconcile.Reconciler;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.servers.PostgresEndpoint;
import io.tenantry.testing.TenantryTestServers;

@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = ProvisionerTestSupport.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.PROVISIONER_ROLE)})
class LifecycleTest {

    @Inject
    Reconciler reconciler;

    @Test
    void suspendingEndsSessionsAndRefusesNewOnesUntilResumed() throws Exception {
        String orgId = newOrganization("eu-west");
        reconciler.reconcile(orgId);
        PostgresEndpoint server = serverOf(orgId);
        String database = "results_" + orgId;
        try (Connection open = asTenant(orgId, server, database)) {
            desire(orgId, "suspended");
            assertTrue(reconciler.reconcile(orgId));
            assertEquals("suspended", status(orgId));
            assertEquals("suspended", registry("status", orgId));
            assertThrows(SQLException.class, () -> {
                try (Statement s = open.createStatement()) {
                    s.execute("SELECT 1");
                }
            }, "the open session was ended");
        }
        assertThrows(SQLException.class, () -> asTenant(orgId, server, database).close());

        desire(orgId, "active");
        assertTrue(reconciler.reconcile(orgId));
        assertEquals("active", status(orgId));
        asTenant(orgId, server, database).close();
    }

    @Test
    void deletingExportsEveryTableThenDropsTheDatabaseAndRole() throws Exception {
        String orgId = newOrganization("eu-west");
        reconciler.reconcile(orgId);
        PostgresEndpoint server = serverOf(orgId);
        try (Connection c = asTenant(orgId, server, "results_" + orgId); Statement s = c.createStatement()) {
            s.executeUpdate("""
                    INSERT INTO jobs (id, template_id, template_name, template_version, steps, inputs, status,
                                      submitted_by, created_at, updated_at)
                    VALUES ('11111111-2222-3333-4444-555555555555', gen_random_uuid(), 'standard-docking', 1, '[]',
                            '{"ligands": 3}', 'queued', 'user:x', now(), now())""");
        }
        desire(orgId, "deleted");
        assertTrue(reconciler.reconcile(orgId));
        assertEquals("deleted", status(orgId));
        assertEquals("deleted", registry("status", orgId));
        assertFalse(exists(server, "SELECT 1 FROM pg_database WHERE datname = ?", "results_" + orgId));
        assertFalse(exists(server, "SELECT 1 FROM pg_roles WHERE rolname = ?", "tenant_" + orgId));

        Path finalBackup = Path.of(registry("export_location", orgId));
        assertEquals("deletion completed", ProvisionerTestSupport.queryString(
                "SELECT reason || ' ' || status FROM provisioner.backups WHERE location = ?", finalBackup.toString()));
        JsonNode manifest = new ObjectMapper().readTree(finalBackup.resolve("manifest.json").toFile());
        Map<String, Long> rows = new HashMap<>();
        manifest.get("tables").forEach(t -> rows.put(t.get("table").asText(), t.get("rows").asLong()));
        assertTrue(rows.keySet().containsAll(List.of("jobs", "task_executions", "task_results", "job_events",
                "docking_results")), rows.toString());
        assertEquals(1, rows.get("jobs"));
        assertFalse(reconciler.reconcile(orgId), "a deleted tenant needs nothing more");
    }

    @Test
    void anOrganizationSuspendedBeforeItWasProvisionedEndsUpSuspended() throws Exception {
        String orgId = newOrganization("eu-west");
        desire(orgId, "suspended");
        assertTrue(reconciler.reconcile(orgId));
        assertEquals("active", status(orgId));
        assertTrue(reconciler.reconcile(orgId));
        assertEquals("suspended", status(orgId));
        assertThrows(SQLException.class, () -> asTenant(orgId, serverOf(orgId), "results_" + orgId).close());
    }

    @Test
    void deletingAnOrganizationThatNeverBecameATenantIsQuick() throws SQLException {
        String orgId = newOrganization("eu-west");
        desire(orgId, "deleted");
        assertTrue(reconciler.reconcile(orgId));
        assertEquals("deleted", status(orgId));
    }

    @Test
    void aPassOverEverythingPicksUpNewWork() throws Exception {
        String orgId = newOrganization("eu-west");
        assertTrue(reconciler.reconcileAll() >= 1);
        assertEquals("active", status(orgId));
        assertTrue(exists(TenantryTestServers.servers().postgres(0), "SELECT 1 FROM pg_database WHERE datname = ?",
                TenantryTestServers.METADATA_DATABASE));
    }
}
