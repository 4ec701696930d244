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
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.OptionalInt;
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
        long seed = Long.getLong("tenantry.kill.seed", System.nanoTime());
        System.out.println("RestoreKillIT seed " + seed + " (-Dtenantry.kill.seed=" + seed + " repeats it)");
        Random random = new Random(seed);
        Path backups = Files.createDirectories(bed.work.resolve("backups"));
        String orgId = newOrganization("r", "eu-west");
        bed.runToEnd(backups, "reconcile", "reconcile");
        PostgresEndpoint home = ProvisionerTestSupport.serverOf(orgId);
        String database = "results_" + orgId;
        fill(home, database, BACKED_UP_RESULTS);
        long backupMillis = bed.runToEnd(backups, "backup", "backup", orgId);
        String backupId = queryString("SELECT id::text FROM provisioner.backups WHERE org_id = ? AND status = 'completed'",
                orgId);
        fill(home, database, 1000);
        ProvisionerTestSupport.execute("""
                INSERT INTO provisioner.restores (id, org_id, source_org_id, backup_id, step, rows_total, requested_by)
                VALUES (gen_random_uuid(), ?, ?, ?::uuid, 'requested', 0, 'restore-kill-it')""", orgId, orgId, backupId);

        for (int kill = 1; kill <= KILLS && !restoreDone(orgId); kill++) {
            Path log = bed.work.resolve("service-" + kill + ".log");
            ProvisionerProcess service = ProvisionerProcess.start(bed.testConfig, backups, Map.of(), log);
            assertTrue(service.awaitStarted(Duration.ofSeconds(60)), "the provisioner started; see " + log);
            long killAfter = random.nextLong(50, Math.max(100, 3 * backupMillis));
            service.awaitExit(Duration.ofMillis(killAfter));
            service.kill();
            String step = queryString("SELECT step FROM provisioner.restores WHERE org_id = ?", orgId);
            System.out.printf("kill %d after %d ms, at step %s%n", kill, killAfter, step);
            assertTrue(exists(home, "SELECT 1 FROM pg_database WHERE datname = ?", database),
                    "the tenant has a database after kill " + kill + " at step " + step);
        }
        Path log = bed.work.resolve("service-last.log");
        ProvisionerProcess service = ProvisionerProcess.start(bed.testConfig, backups, Map.of(), log);
        try {
            assertTrue(service.awaitStarted(Duration.ofSeconds(60)), "the provisioner started; see " + log);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!restoreDone(orgId)) {
                if (System.nanoTime() > deadline) {
                    fail("the restore did not finish; see " + log);
                }
                OptionalInt exited = service.awaitExit(Duration.ofMillis(200));
                assertTrue(exited.isEmpty(), "the service runs on; see " + log);
            }
        } finally {
            service.kill();
        }

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

    /** One more job with {@code results} docking results, written server-side. */
    private static void fill(PostgresEndpoint server, String database, long results) throws SQLException {
        try (Connection c = server.connect(database); Statement s = c.createStatement()) {
            s.execute("""
                    INSERT INTO jobs (id, template_id, template_name, template_version, steps, inputs, status,
                                      submitted_by, created_at, updated_at)
                    VALUES (gen_random_uuid(), gen_random_uuid(), 'standard-docking', 1, '[]', '{}', 'succeeded',
                            'user:x', now(), now())""");
            s.execute("""
                    INSERT INTO docking_results (job_id, molecule_id, score, rank, poses, created_at)
                    SELECT (SELECT id FROM jobs ORDER BY created_at DESC LIMIT 1), gen_random_uuid(), -random() * 12,
                           n, '[{"x": 1.5, "y": -2.25, "z": 0.75}]', now()
                      FROM generate_series(1, %d) n""".formatted(results));
        }
    }

}
