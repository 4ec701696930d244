package io.tenantry.provisioner;

import static io.tenantry.provisioner.ProvisionerTestSupport.asTenant;
import static io.tenantry.provisioner.ProvisionerTestSupport.exists;
import static io.tenantry.provisioner.ProvisionerTestSupport.newOrganization;
import static io.tenantry.provisioner.ProvisionerTestSupport.registry;
import static io.tenantry.provisioner.ProvisionerTestSupport.serverOf;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.provisioner.backup.BackupReason;
import io.tenantry.provisioner.backup.BackupView;
import io.tenantry.provisioner.backup.Backups;
import io.tenantry.provisioner.reconcile.Reconciler;
import io.tenantry.provisioner.registry.TenantRegistry;
import io.tenantry.provisioner.restore.Restores;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.servers.PostgresEndpoint;
import io.tenantry.testing.TenantryTestServers;

/**
 * A provisioner that dies during a restore leaves one of its recorded steps behind, with the databases in the state
 * that step left them; a resumed provisioner takes each to a tenant that serves, from the old database or the new.
 */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = ProvisionerTestSupport.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.PROVISIONER_ROLE)})
class RestoreResumeTest {

    @Inject
    Reconciler reconciler;

    @Inject
    Backups backups;

    @Inject
    Restores restores;

    @Inject
    TenantRegistry registry;

    @Test
    void killedRightAfterTheRequestTheRestoreRunsWhole() throws Exception {
        Tenant t = tenantWithBackupThenMoreJobs();
        UUID restore = recordRestore(t, "requested");
        restores.resumeInterrupted();
        assertServes(t, restore, 2);
    }

    @Test
    void killedWhileBuildingTheHalfBuiltDatabaseIsBuiltAgain() throws Exception {
        Tenant t = tenantWithBackupThenMoreJobs();
        UUID restore = recordRestore(t, "building");
        registry.setMaintenance(t.orgId, "restoring");
        try (Connection c = t.server.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE \"results_" + t.orgId + "__restoring\"");
            // Killed inside the swap: the tenant's database already refused new connections.
            s.execute("ALTER DATABASE \"results_" + t.orgId + "\" WITH ALLOW_CONNECTIONS false");
        }
        restores.resumeInterrupted();
        assertServes(t, restore, 2);
    }

    @Test
    void killedBetweenTheSwapAndItsRecordTheRestoreFinishesForward() throws Exception {
        Tenant t = tenantWithBackupThenMoreJobs();
        UUID restore = recordRestore(t, "building");
        registry.setMaintenance(t.orgId, "restoring");
        swapInACopyWithOneJobMore(t);
        restores.resumeInterrupted();
        assertServes(t, restore, 4);
    }

    @Test
    void killedAfterTheSwapTheRestoredDatabaseIsOpened() throws Exception {
        Tenant t = tenantWithBackupThenMoreJobs();
        UUID restore = recordRestore(t, "swapped");
        registry.setMaintenance(t.orgId, "restoring");
        swapInACopyWithOneJobMore(t);
        restores.resumeInterrupted();
        assertServes(t, restore, 4);
    }

    private record Tenant(String orgId, PostgresEndpoint server, BackupView backup) {
    }

    /** A tenant with two jobs backed up and a third written after the backup. */
    private Tenant tenantWithBackupThenMoreJobs() throws Exception {
        String orgId = newOrganization("eu-west");
        assertTrue(reconciler.reconcile(orgId));
        PostgresEndpoint server = serverOf(orgId);
        try (Connection c = asTenant(orgId, server, "results_" + orgId)) {
            BackupRestoreTest.writeJobWithResults(c, 1);
            BackupRestoreTest.writeJobWithResults(c, 1);
            BackupView backup = backups.take(registry.find(orgId).orElseThrow(), BackupReason.ON_DEMAND, "test");
            BackupRestoreTest.writeJobWithResults(c, 1);
            return new Tenant(orgId, server, backup);
        }
    }

    /** The restore row a killed provisioner leaves at {@code step}. */
    private static UUID recordRestore(Tenant t, String step) throws SQLException {
        UUID id = UUID.randomUUID();
        ProvisionerTestSupport.execute("""
                INSERT INTO provisioner.restores (id, org_id, source_org_id, backup_id, step, rows_total, requested_by)
                VALUES (?::uuid, ?, ?, ?::uuid, ?, 0, 'test')""", id.toString(), t.orgId, t.orgId,
                t.backup.id().toString(), step);
        return id;
    }

    /**
     * What the swap leaves: the tenant's database under the replaced name, a restored one under the tenant's (here a
     * copy of it with a fourth job, to tell it from both the old database and the backup).
     */
    private static void swapInACopyWithOneJobMore(Tenant t) throws SQLException {
        String current = "results_" + t.orgId;
        try (Connection c = t.server.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + current + "'");
            s.execute("ALTER DATABASE \"" + current + "\" RENAME TO \"" + current + "__replaced\"");
            s.execute("CREATE DATABASE \"" + current + "\" TEMPLATE \"" + current + "__replaced\"");
        }
        try (Connection c = t.server.connect(current)) {
            BackupRestoreTest.writeJobWithResults(c, 1);
        }
    }

    private static void assertServes(Tenant t, UUID restore, long jobs) throws SQLException {
        assertEquals("done", ProvisionerTestSupport.queryString(
                "SELECT step FROM provisioner.restores WHERE id = ?::uuid", restore.toString()));
        assertNull(registry("maintenance", t.orgId));
        try (Connection c = asTenant(t.orgId, t.server, "results_" + t.orgId); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM jobs")) {
            rs.next();
            assertEquals(jobs, rs.getLong(1));
        }
        for (String leftover : new String[] {"__restoring", "__replaced"}) {
            assertFalse(exists(t.server, "SELECT 1 FROM pg_database WHERE datname = ?", "results_" + t.orgId + leftover),
                    leftover + " is gone");
        }
        try (Connection c = t.server.connect("postgres"); PreparedStatement s = c.prepareStatement(
                "SELECT datallowconn FROM pg_database WHERE datname = ?")) {
            s.setString(1, "results_" + t.orgId);
            try (ResultSet rs = s.executeQuery()) {
                assertTrue(rs.next() && rs.getBoolean(1));
            }
        }
    }
}
