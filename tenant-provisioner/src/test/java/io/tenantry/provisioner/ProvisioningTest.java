package io.tenantry.provisioner;

import static io.tenantry.provisioner.ProvisionerTestSupport.asTenant;
import static io.tenantry.provisioner.ProvisionerTestSupport.countAudit;
import static io.tenantry.provisioner.ProvisionerTestSupport.exists;
import static io.tenantry.provisioner.ProvisionerTestSupport.newOrganization;
import static io.tenantry.provisioner.ProvisionerTestSupport.registry;
import static io.tenantry.provisioner.ProvisionerTestSupport.server;
import static io.tenantry.provisioner.ProvisionerTestSupport.serverOf;
import static io.tenantry.provisioner.ProvisionerTestSupport.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.common.OrgId;
import io.tenantry.provisioner.placement.ServerLoads;
import io.tenantry.provisioner.reconcile.Reconciler;
import io.tenantry.provisioner.registry.TenantRegistry;
import io.tenantry.provisioner.tenant.TenantDatabases;
import io.tenantry.provisioner.tenant.TenantMigrations;
import io.tenantry.provisioner.tenant.TenantRoles;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.schema.ResultsSchema;
import io.tenantry.servers.PostgresEndpoint;
import io.tenantry.testing.TenantryTestServers;

@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = ProvisionerTestSupport.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.PROVISIONER_ROLE)})
class ProvisioningTest {

    @Inject
    Reconciler reconciler;

    @Inject
    TenantRoles roles;

    @Inject
    TenantDatabases databases;

    @Inject
    TenantMigrations migrations;

    @Inject
    TenantRegistry registry;

    @Inject
    ServerLoads loads;

    @Test
    void anOrganizationBecomesALiveMigratedTenant() throws SQLException {
        String orgId = newOrganization("eu-west");
        assertTrue(reconciler.reconcile(orgId));
        assertEquals("active", status(orgId));
        assertEquals("active", registry("status", orgId));
        assertEquals(ResultsSchema.NEWEST_VERSION, registry("schema_version", orgId));
        assertEquals(1, countAudit(orgId, "provisioning"));
        assertEquals(1, countAudit(orgId, "active"));
        try (Connection c = asTenant(orgId, serverOf(orgId), "results_" + orgId);
             Statement s = c.createStatement()) {
            s.executeUpdate("""
                    INSERT INTO jobs (id, template_id, template_name, template_version, steps, inputs, status,
                                      submitted_by, created_at, updated_at)
                    VALUES (gen_random_uuid(), gen_random_uuid(), 'standard-docking', 1, '[]', '{}', 'queued',
                            'user:x', now(), now())""");
            try (ResultSet rs = s.executeQuery("SELECT count(*) FROM jobs")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
            assertThrows(SQLException.class, () -> s.execute("CREATE TABLE intruder (x int)"));
            assertThrows(SQLException.class, () -> s.execute("DROP TABLE jobs"));
            assertThrows(SQLException.class, () -> s.execute("CREATE DATABASE sneaky"));
            assertThrows(SQLException.class, () -> s.execute("CREATE ROLE sneaky"));
        }
        assertFalse(reconciler.reconcile(orgId), "nothing left to do");
    }

    @Test
    void aTenantsStatementThatRunsPastItsRolesTimeoutIsCancelled() throws SQLException {
        String orgId = newOrganization("eu-west");
        reconciler.reconcile(orgId);
        try (Connection c = asTenant(orgId, serverOf(orgId), "results_" + orgId); Statement s = c.createStatement()) {
            assertEquals("1s", show(s, "statement_timeout"));
            assertEquals("1min", show(s, "idle_in_transaction_session_timeout"));
            assertEquals("500ms", show(s, "lock_timeout"));
            long start = System.nanoTime();
            SQLException cancelled = assertThrows(SQLException.class, () -> s.execute("SELECT pg_sleep(10)"));
            assertEquals("57014", cancelled.getSQLState(), cancelled.getMessage());
            assertTrue(System.nanoTime() - start < 9_000_000_000L, "cancelled at the timeout, not after the sleep");
            assertEquals("1s", show(s, "statement_timeout"), "the session stays usable after the cancellation");
        }
    }

    @Test
    void aTenantsStatementWaitingOnALockGivesUpAtItsRolesLockTimeout() throws SQLException {
        String orgId = newOrganization("eu-west");
        reconciler.reconcile(orgId);
        try (Connection admin = serverOf(orgId).connect("results_" + orgId); Statement locker = admin.createStatement();
             Connection c = asTenant(orgId, serverOf(orgId), "results_" + orgId); Statement s = c.createStatement()) {
            admin.setAutoCommit(false);
            locker.execute("LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE");
            SQLException refused = assertThrows(SQLException.class, () -> s.executeQuery("SELECT count(*) FROM jobs"));
            assertEquals("55P03", refused.getSQLState(), refused.getMessage());
            admin.rollback();
        }
    }

    private static String show(Statement s, String setting) throws SQLException {
        try (ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aTenantRoleCannotOpenAnotherTenantsDatabaseNorTheMetadataDatabase() throws SQLException {
        Map<String, List<String>> byServer = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            String orgId = newOrganization("eu-west");
            reconciler.reconcile(orgId);
            byServer.computeIfAbsent(registry("server", orgId), k -> new ArrayList<>()).add(orgId);
        }
        // Three tenants on two servers: two of them share one, where only CONNECT grants keep them apart.
        List<String> neighbours = byServer.values().stream().filter(l -> l.size() >= 2).findFirst().orElseThrow();
        String a = neighbours.get(0);
        String b = neighbours.get(1);
        PostgresEndpoint shared = serverOf(a);
        SQLException refused = assertThrows(SQLException.class, () -> asTenant(a, shared, "results_" + b).close());
        assertTrue(refused.getMessage().contains("permission denied"), refused.getMessage());
        refused = assertThrows(SQLException.class, () -> asTenant(a, shared, "postgres").close());
        assertTrue(refused.getMessage().contains("permission denied"), refused.getMessage());
        refused = assertThrows(SQLException.class, () -> asTenant(a, shared, "template1").close());
        assertTrue(refused.getMessage().contains("permission denied"), refused.getMessage());

        String onMetadataServer = byServer.getOrDefault("pg0", List.of()).stream().findFirst().orElse(null);
        if (onMetadataServer == null) {
            onMetadataServer = newOrganization("eu-west");
            ProvisionerTestSupport.execute("UPDATE organizations SET status = 'provisioning' WHERE org_id = ?", onMetadataServer);
            registry.place(onMetadataServer, "pg0", "results_" + onMetadataServer, "tenant_" + onMetadataServer);
            reconciler.reconcile(onMetadataServer);
        }
        String tenantOnPg0 = onMetadataServer;
        refused = assertThrows(SQLException.class,
                () -> asTenant(tenantOnPg0, server(0), TenantryTestServers.METADATA_DATABASE).close());
        assertTrue(refused.getMessage().contains("permission denied"), refused.getMessage());
        asTenant(b, shared, "results_" + b).close();
        asTenant(tenantOnPg0, server(0), "results_" + tenantOnPg0).close();
    }

    @Test
    void newTenantsAreCopiedFromAMigratedTemplateDatabase() throws SQLException {
        String orgId = newOrganization("eu-west");
        reconciler.reconcile(orgId);
        assertTrue(exists(serverOf(orgId), "SELECT 1 FROM pg_database WHERE datname = ? AND datistemplate",
                "tenantry_template"));
        assertEquals("copied from the template database", registry(
                "(SELECT description FROM provisioner.tenant_migrations m WHERE m.org_id = tenants.org_id ORDER BY id LIMIT 1)",
                orgId));
        assertEquals(ResultsSchema.NEWEST_VERSION, registry("schema_version", orgId));
        SQLException refused = assertThrows(SQLException.class,
                () -> asTenant(orgId, serverOf(orgId), "tenantry_template").close());
        assertTrue(refused.getMessage().contains("permission denied"), refused.getMessage());
    }

    @Test
    void newTenantsGoToTheServerHoldingTheFewestBytes() throws SQLException {
        Map<String, Long> bytes = loads.totalBytes(List.of("pg0", "pg1"));
        String lighter = bytes.get("pg0") <= bytes.get("pg1") ? "pg0" : "pg1";
        String orgId = newOrganization("eu-west");
        reconciler.reconcile(orgId);
        assertEquals(lighter, registry("server", orgId), "placed by size: " + bytes);
        reconciler.reconcile(orgId);
        assertEquals(lighter, registry("server", orgId), "placement is stable");
    }

    @Test
    void anOrganizationInARegionWithoutServersFailsWithAReason() throws SQLException {
        String orgId = newOrganization("mars-north");
        assertFalse(reconciler.reconcile(orgId));
        assertEquals("failed", status(orgId));
        try (Connection c = ProvisionerTestSupport.metadata(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT status_reason FROM organizations WHERE org_id = '" + orgId + "'")) {
            rs.next();
            assertTrue(rs.getString(1).contains("mars-north"));
        }
    }

    @Test
    void rerunningAfterACrashAtAnyStepConvergesWithoutOrphans() throws Exception {
        for (int crashAfter = 0; crashAfter <= 5; crashAfter++) {
            String orgId = newOrganization("eu-west");
            OrgId id = OrgId.of(orgId);
            ProvisionerTestSupport.execute("UPDATE organizations SET status = 'provisioning' WHERE org_id = ?", orgId);
            List<Callable<Object>> steps = List.of(
                    () -> registry.place(orgId, "pg1", id.databaseName(), "tenant_" + orgId),
                    () -> { roles.ensure("pg1", id, 1); return null; },
                    () -> databases.ensure("pg1", id),
                    () -> { roles.grantConnect("pg1", id); return null; },
                    () -> migrations.prepare("pg1", id));
            for (int step = 0; step < crashAfter && step < steps.size(); step++) {
                steps.get(step).call();
            }
            assertTrue(reconciler.reconcile(orgId), "resumes after a crash after step " + crashAfter);
            assertEquals("active", status(orgId));
            String server = crashAfter == 0 ? registry("server", orgId) : "pg1";
            assertEquals(server, registry("server", orgId));
            PostgresEndpoint endpoint = serverOf(orgId);
            PostgresEndpoint other = server(endpoint == server(0) ? 1 : 0);
            assertTrue(exists(endpoint, "SELECT 1 FROM pg_database WHERE datname = ?", id.databaseName()));
            assertFalse(exists(other, "SELECT 1 FROM pg_database WHERE datname = ?", id.databaseName()),
                    "no orphaned database on the other server");
            assertFalse(exists(other, "SELECT 1 FROM pg_roles WHERE rolname = ?", "tenant_" + orgId),
                    "no orphaned role on the other server");
            asTenant(orgId, endpoint, id.databaseName()).close();
        }
    }

    @Test
    void twoProvisionersRacingProvisionEachTenantExactlyOnce() throws Exception {
        List<String> orgs = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            orgs.add(newOrganization("eu-west"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Integer>> passes = new ArrayList<>();
            for (int replica = 0; replica < 2; replica++) {
                passes.add(pool.submit(() -> {
                    int moved = 0;
                    for (String orgId : orgs) {
                        moved += reconciler.reconcile(orgId) ? 1 : 0;
                    }
                    return moved;
                }));
            }
            int moved = 0;
            for (Future<Integer> pass : passes) {
                moved += pass.get();
            }
            assertEquals(10, moved, "each organization was provisioned by exactly one of the two");
        } finally {
            pool.shutdownNow();
        }
        Map<String, Integer> migrationsPerOrg = new HashMap<>();
        for (String orgId : orgs) {
            assertEquals("active", status(orgId));
            assertEquals(1, countAudit(orgId, "active"));
            migrationsPerOrg.put(orgId, Integer.parseInt(ProvisionerTestSupport.registry(
                    "(SELECT count(*) FROM provisioner.tenant_migrations m WHERE m.org_id = tenants.org_id)::text", orgId)));
        }
        assertTrue(migrationsPerOrg.values().stream().allMatch(n -> n == 1), migrationsPerOrg.toString());
    }

    @Test
    void identifierInjectionNeverReachesSql() throws SQLException {
        for (String hostile : List.of("x\"; DROP DATABASE tenantry_metadata; --", "acme; DROP ROLE postgres",
                "Robert'); DROP TABLE organizations;--", "pg_catalog", "a")) {
            assertFalse(reconciler.reconcile(hostile));
        }
        assertThrows(OrgId.InvalidOrgIdException.class,
                () -> databases.ensure("pg0", OrgId.of("x\"; DROP DATABASE tenantry_metadata; --")));
        assertTrue(exists(server(0), "SELECT 1 FROM pg_database WHERE datname = ?", TenantryTestServers.METADATA_DATABASE));
    }
}
