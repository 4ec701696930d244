package io.tenantry.provisioner;

import static io.tenantry.provisioner.ProvisionerTestSupport.asTenant;
import static io.tenantry.provisioner.ProvisionerTestSupport.exists;
import static io.tenantry.provisioner.ProvisionerTestSupport.newOrganization;
import static io.tenantry.provisioner.ProvisionerTestSupport.queryString;
import static io.tenantry.provisioner.ProvisionerTestSupport.registry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

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
 * The packaged provisioner killed at random moments of a move (while it prepares the target, copies, switches or
 * cleans up): after every kill the registry names a server that holds the tenant's whole database, and a provisioner
 * started again takes the move to its end with every row on the target and nothing of the tenant on the source.
 */
class MoveKillIT {

    private static final int KILLS = 4;
    private static final long RESULTS = 300_000;

    private static KillTestBed bed;

    @BeforeAll
    static void startServers() throws IOException {
        bed = KillTestBed.start("move-kill-it");
    }

    @AfterAll
    static void stopServers() {
        bed.stop();
    }

    @Test
    void killedAtRandomMomentsOfAMoveTheTenantAlwaysHasItsDataAndEndsOnTheTarget() throws Exception {
        Random random = KillTestBed.seededRandom("MoveKillIT");
        Path backups = Files.createDirectories(bed.work.resolve("backups"));
        String orgId = newOrganization("m", "eu-west");
        bed.runToEnd(backups, "reconcile", "reconcile");
        String source = registry("server", orgId);
        String target = "pg0".equals(source) ? "pg1" : "pg0";
        String database = "results_" + orgId;
        ProvisionerTestSupport.fill(endpoint(source), database, RESULTS);
        ProvisionerTestSupport.execute("""
                INSERT INTO provisioner.moves (id, org_id, source_server, target_server, step, reason, requested_by)
                VALUES (gen_random_uuid(), ?, ?, ?, 'requested', 'on-demand', 'move-kill-it')""", orgId, source, target);

        bed.killRepeatedly(backups, KILLS, random, 6000, () -> moveDone(orgId), kill -> {
            String step = queryString("SELECT step FROM provisioner.moves WHERE org_id = ?", orgId);
            assertEquals(RESULTS, results(endpoint(registry("server", orgId)), database),
                    "the registry's server holds the whole tenant after kill " + kill + " at step " + step);
        });
        bed.serveUntil(backups, () -> moveDone(orgId));

        assertEquals(target, registry("server", orgId));
        assertNull(registry("maintenance", orgId));
        try (Connection c = asTenant(orgId, endpoint(target), database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM docking_results")) {
            rs.next();
            assertEquals(RESULTS, rs.getLong(1), "every row arrived, once");
        }
        PostgresEndpoint left = endpoint(source);
        assertFalse(exists(left, "SELECT 1 FROM pg_database WHERE datname = ?", database));
        assertFalse(exists(left, "SELECT 1 FROM pg_roles WHERE rolname = ?", "tenant_" + orgId));
        assertFalse(exists(left, "SELECT 1 FROM pg_replication_slots WHERE slot_name LIKE ?", "%" + orgId));
        assertFalse(exists(endpoint(target), "SELECT 1 FROM pg_subscription WHERE subname = ?", "tenantry_move"));
    }

    private static boolean moveDone(String orgId) throws SQLException {
        return "done".equals(queryString("SELECT step FROM provisioner.moves WHERE org_id = ?", orgId));
    }

    private static long results(PostgresEndpoint server, String database) throws SQLException {
        try (Connection c = server.connect(database); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM docking_results")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static PostgresEndpoint endpoint(String name) {
        return ProvisionerTestSupport.server(Integer.parseInt(name.substring(2)));
    }
}
