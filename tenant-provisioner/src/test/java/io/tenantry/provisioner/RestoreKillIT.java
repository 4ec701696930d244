package io.tenantry.provisioner;

import static io.tenantry.provisioner.ProvisionerTestSupport.asTenant;
import static io.tenantry.provisioner.ProvisionerTestSupport.exists;
import static io.tenantry.provisioner.ProvisionerTestSupport.newOrganization;
import static io.tenantry.provisioner.ProvisionerTestSupport.queryString;
import static io.tenantry.provisioner.ProvisionerTestSupport.registry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Random;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tenantry.servers.PostgresEndpoint;

/**
 * The packaged provisioner killed with SIGKILL at random moments while it restores a tenant in place: after every
 * kill the tenant's database exists under its name (the old one or the restored one, never none), and the restarted
 * service finishes the restore, the tenant then holding exactly the backed-up rows. The seed is printed (and taken
 * from {@code -Dtenantry.kill.seed}) so a failing run can be repeated.
 */
class RestoreKillIT {

    private static final int KILLS = 4;
    private static final long BACKED_UP_RESULTS = 300_000;

    private static KillTestBed bed;

    @BeforeAll
    static void startServers() throws IOException {
        bed = KillTestBed.start("restore-kill-it");
    }

    @AfterAll
    static void stopServers() {
        bed.stop();
    }

    @Test
    void killedAtRandomMomentsOfARestoreTheTenantAlwaysHasADatabaseAndEndsRestored() throws Exception {
        Random random = KillTestBed.seededRandom("RestoreKillIT");
        Path backups = Files.createDirectories(bed.work.resolve("backups"));
        String orgId = newOrganization("r", "eu-west");
        bed.runToEnd(backups, "reconcile", "reconcile");
        PostgresEndpoint home = ProvisionerTestSupport.serverOf(orgId);
        String database = "results_" + orgId;
        ProvisionerTestSupport.fill(home, database, BACKED_UP_RESULTS);
        long backupMillis = bed.runToEnd(backups, "backup", "backup", orgId);
        String backupId = queryString("SELECT id::text FROM provisioner.backups WHERE org_id = ? AND status = 'completed'",
                orgId);
        ProvisionerTestSupport.fill(home, database, 1000);
        ProvisionerTestSupport.execute("""
                INSERT INTO provisioner.restores (id, org_id, source_org_id, backup_id, step, rows_total, requested_by)
                VALUES (gen_random_uuid(), ?, ?, ?::uuid, 'requested', 0, 'restore-kill-it')""", orgId, orgId, backupId);

        bed.killRepeatedly(backups, KILLS, random, 3 * backupMillis, () -> restoreDone(orgId), kill -> {
            String step = queryString("SELECT step FROM provisioner.restores WHERE org_id = ?", orgId);
            assertTrue(exists(home, "SELECT 1 FROM pg_database WHERE datname = ?", database),
                    "the tenant has a database after kill " + kill + " at step " + step);
        });
        bed.serveUntil(backups, () -> restoreDone(orgId));

        assertNull(registry("maintenance", orgId));
        try (Connection c = asTenant(orgId, home, database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM docking_results")) {
            rs.next();
            assertEquals(BACKED_UP_RESULTS, rs.getLong(1), "exactly the backed-up rows");
        }
        for (String leftover : new String[] {"__restoring", "__replaced"}) {
            assertFalse(exists(home, "SELECT 1 FROM pg_database WHERE datname = ?", database + leftover), leftover);
        }
        assertEquals("0", queryString("SELECT count(*)::text FROM provisioner.backups WHERE org_id = ?"
                + " AND status = 'running'", orgId), "no backup is left running");
    }

    private static boolean restoreDone(String orgId) throws SQLException {
        return "done".equals(queryString("SELECT step FROM provisioner.restores WHERE org_id = ?", orgId));
    }
}
