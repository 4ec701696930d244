package io.tenantry.provisioner;

import static io.tenantry.provisioner.ProvisionerTestSupport.asTenant;
import static io.tenantry.provisioner.ProvisionerTestSupport.desire;
import static io.tenantry.provisioner.ProvisionerTestSupport.exists;
import static io.tenantry.provisioner.ProvisionerTestSupport.metadata;
import static io.tenantry.provisioner.ProvisionerTestSupport.newOrganization;
import static io.tenantry.provisioner.ProvisionerTestSupport.registry;
import static io.tenantry.provisioner.ProvisionerTestSupport.status;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.tenantry.common.OrgId;
import io.tenantry.common.TenantCredentials;
import io.tenantry.servers.PostgresEndpoint;
import io.tenantry.testing.TenantryTestServers;

/**
 * The packaged provisioner killed with SIGKILL at random moments, over and over, while organizations are provisioned,
 * suspended and deleted and a fleet rollout of a new results migration runs; restarted after every kill, it must
 * converge with no orphan database, role or registry row. The seed is printed (and taken from
 * {@code -Dtenantry.kill.seed}) so a failing run can be repeated.
 */
class ProvisionerKillIT {

    private static final String STAGED_VERSION = "999";
    private static final Duration CONVERGENCE_LIMIT = Duration.ofMinutes(3);
    /**
     * The first kills come for certain (if the process is still at work), later ones with this chance: killed every
     * time, restarted rollouts would pile up faster than one finishes.
     */
    private static final int CERTAIN_KILLS = 6;
    private static final double KILL_CHANCE = 0.6;
    /** After this many kills the process is let finish, so a run that never converges is a bug, not bad luck. */
    private static final int MAX_KILLS = 25;

    private static KillTestBed bed;

    @BeforeAll
    static void startServers() throws IOException {
        bed = KillTestBed.start("kill-it");
    }

    @AfterAll
    static void stopServers() {
        bed.stop();
    }

    @Test
    void killedAtRandomMomentsItConvergesWithoutOrphans() throws Exception {
        long seed = Long.getLong("tenantry.kill.seed", System.nanoTime());
        System.out.println("ProvisionerKillIT seed " + seed + " (-Dtenantry.kill.seed=" + seed + " repeats it)");
        Random random = new Random(seed);
        Path exports = Files.createDirectories(bed.work.resolve("exports"));

        Map<String, String> desired = new LinkedHashMap<>();
        List<String> fleet = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            fleet.add(newOrganization("k", "eu-west"));
        }
        long setupWork = bed.runToEnd(exports, "setup", "reconcile");
        for (String orgId : fleet) {
            assertEquals("active", status(orgId), orgId);
        }

        // The fleet moves: some stay, some are suspended, some deleted; newcomers arrive, one of them suspended
        // before it was ever created and one deleted before it was; a new results migration is released.
        for (int i = 0; i < fleet.size(); i++) {
            String state = i < 3 ? "active" : i < 6 ? "suspended" : "deleted";
            desire(fleet.get(i), state);
            desired.put(fleet.get(i), state);
        }
        for (int i = 0; i < 8; i++) {
            String orgId = newOrganization("k", "eu-west");
            String state = i < 6 ? "active" : i == 6 ? "suspended" : "deleted";
            desire(orgId, state);
            desired.put(orgId, state);
        }
        Map<String, String> staged = Map.of("tenantry.provisioner.staged-results-migrations",
                "filesystem:" + stagedMigration().toAbsolutePath());

        // A kill comes at a random moment within the work the last run of the same command did to its end (from
        // start-up to exit), so it lands in the middle of the work however fast the machine is today.
        Map<String, Long> workMillis = new HashMap<>(Map.of("reconcile", setupWork, "rollout", setupWork));
        long begin = System.nanoTime();
        int kills = 0;
        int runs = 0;
        while (!lifecycleConverged(desired) || !rolloutConverged()) {
            if (System.nanoTime() - begin > CONVERGENCE_LIMIT.toNanos()) {
                fail("no convergence after " + kills + " kills in " + runs + " runs (seed " + seed + "): "
                        + fleetState(desired));
            }
            // Rollouts keep running among the lifecycle changes even once the fleet is migrated: each records the
            // live tenants anew, so one killed and resumed later meets tenants deleted in between.
            String command = lifecycleConverged(desired) || random.nextBoolean() ? "rollout" : "reconcile";
            runs++;
            String[] args = command.equals("rollout")
                    ? new String[] {"rollout", "--canary", "1", "--parallelism", "2", "--max-failures", "0"}
                    : new String[] {"reconcile"};
            Path log = bed.work.resolve(runs + "-" + command + ".log");
            ProvisionerProcess process = ProvisionerProcess.start(bed.testConfig, exports, staged, log, args);
            boolean kill = kills < CERTAIN_KILLS || random.nextDouble() < KILL_CHANCE && kills < MAX_KILLS;
            int killAfter = random.nextInt((int) Math.max(50, workMillis.get(command)));
            assertTrue(process.awaitStarted(Duration.ofSeconds(60)), "the provisioner started; see " + log);
            long started = System.nanoTime();
            OptionalInt ended = process.awaitExit(Duration.ofMillis(killAfter));
            if (ended.isEmpty() && kill) {
                process.kill();
                kills++;
                System.out.printf("kill %d: %s after %d ms of work%n", kills, command, killAfter);
                continue;
            }
            if (ended.isEmpty()) {
                ended = process.awaitExit(Duration.ofMinutes(2));
            }
            assertEquals(0, ended.orElseThrow(), command + " ended with a failure; see " + log);
            workMillis.put(command, Duration.ofNanos(System.nanoTime() - started).toMillis());
        }
        long seconds = Duration.ofNanos(System.nanoTime() - begin).toSeconds();
        System.out.printf("ProvisionerKillIT converged after %d kills in %d runs, %d s (seed %d)%n", kills, runs,
                seconds, seed);
        assertTrue(kills > 0, "the test killed the provisioner at least once");

        assertTenantsWhereTheyBelong(desired);
        assertNoOrphans();
        assertOneTransitionToEachState(desired);
        assertRolloutsFinished();
    }

    /** Every live tenant: one database and one role, on the server its registry row names, and nowhere else. */
    private static void assertTenantsWhereTheyBelong(Map<String, String> desired) throws SQLException {
        for (Map.Entry<String, String> org : desired.entrySet()) {
            String orgId = org.getKey();
            OrgId id = OrgId.of(orgId);
            String role = TenantCredentials.roleName(id);
            if (org.getValue().equals("deleted")) {
                String tombstone = registry("status", orgId);
                assertTrue(tombstone == null || tombstone.equals("deleted"), orgId + " registry: " + tombstone);
                for (PostgresEndpoint endpoint : TenantryTestServers.servers().postgres()) {
                    assertFalse(exists(endpoint, "SELECT 1 FROM pg_database WHERE datname = ?", id.databaseName()), orgId);
                    assertFalse(exists(endpoint, "SELECT 1 FROM pg_roles WHERE rolname = ?", role), orgId);
                }
                continue;
            }
            assertEquals(org.getValue(), registry("status", orgId), orgId);
            assertEquals(STAGED_VERSION, registry("schema_version", orgId), orgId + " is at the fleet's version");
            assertNull(registry("last_error", orgId), orgId);
            PostgresEndpoint home = ProvisionerTestSupport.serverOf(orgId);
            for (PostgresEndpoint endpoint : TenantryTestServers.servers().postgres()) {
                boolean here = endpoint.equals(home);
                assertEquals(here, exists(endpoint, "SELECT 1 FROM pg_database WHERE datname = ?", id.databaseName()),
                        orgId + " database on " + endpoint.name());
                assertEquals(here, exists(endpoint, "SELECT 1 FROM pg_roles WHERE rolname = ?", role),
                        orgId + " role on " + endpoint.name());
            }
            try (Connection c = home.connect(id.databaseName()); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT max(version::int) FROM flyway_schema_history WHERE success")) {
                rs.next();
                assertEquals(Integer.parseInt(STAGED_VERSION), rs.getInt(1), orgId + " database's own history");
            }
            if (org.getValue().equals("active")) {
                asTenant(orgId, home, id.databaseName()).close();
            } else {
                assertFalse(exists(home, "SELECT 1 FROM pg_database WHERE datname = ?"
                        + " AND has_database_privilege('tenant_' || substr(datname, 9), oid, 'CONNECT')",
                        id.databaseName()), orgId + " has no CONNECT while suspended");
                SQLException refused = assertThrows(SQLException.class,
                        () -> asTenant(orgId, home, id.databaseName()).close());
                assertTrue(refused.getMessage().contains("permission denied"), refused.getMessage());
            }
        }
    }

    /** No results_* database nor tenant_* role on any server that a live registry row does not account for. */
    private static void assertNoOrphans() throws SQLException {
        Map<String, Set<String>> expectedDatabases = new HashMap<>();
        Map<String, Set<String>> expectedRoles = new HashMap<>();
        try (Connection c = metadata(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT server, database_name, role_name, status FROM provisioner.tenants")) {
            while (rs.next()) {
                assertTrue(Set.of("active", "suspended", "deleted").contains(rs.getString(4)),
                        "no registry row is left half-way: " + rs.getString(2) + " " + rs.getString(4));
                if (!rs.getString(4).equals("deleted")) {
                    expectedDatabases.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(2));
                    expectedRoles.computeIfAbsent(rs.getString(1), k -> new HashSet<>()).add(rs.getString(3));
                }
            }
        }
        for (PostgresEndpoint endpoint : TenantryTestServers.servers().postgres()) {
            assertEquals(expectedDatabases.getOrDefault(endpoint.name(), Set.of()),
                    names(endpoint, "SELECT datname FROM pg_database WHERE datname LIKE 'results\\_%'"),
                    "tenant databases on " + endpoint.name());
            assertEquals(expectedRoles.getOrDefault(endpoint.name(), Set.of()),
                    names(endpoint, "SELECT rolname FROM pg_roles WHERE rolname LIKE 'tenant\\_%'"),
                    "tenant roles on " + endpoint.name());
        }
    }

    /** The audit log shows each organization's way without a repeated step, ending where it should. */
    private static void assertOneTransitionToEachState(Map<String, String> desired) throws SQLException {
        for (Map.Entry<String, String> org : desired.entrySet()) {
            Map<String, Integer> transitions = new HashMap<>();
            try (Connection c = metadata(); PreparedStatement s = c.prepareStatement("""
                    SELECT details->>'to', count(*) FROM audit_log
                     WHERE org_id = ? AND action = 'organization.status-changed' GROUP BY 1""")) {
                s.setString(1, org.getKey());
                try (ResultSet rs = s.executeQuery()) {
                    while (rs.next()) {
                        transitions.put(rs.getString(1), rs.getInt(2));
                    }
                }
            }
            assertTrue(transitions.values().stream().allMatch(n -> n == 1), org.getKey() + ": " + transitions);
            assertEquals(1, transitions.getOrDefault(org.getValue(), 0), org.getKey() + ": " + transitions);
            assertFalse(transitions.containsKey("failed"), org.getKey() + ": " + transitions);
        }
    }

    /** Every rollout, killed or not, was run to its end, and its counts add up. */
    private static void assertRolloutsFinished() throws SQLException {
        try (Connection c = metadata(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT o.id, o.status, o.total, o.succeeded, o.failed,
                       (SELECT count(*) FROM provisioner.operation_tenants t WHERE t.operation_id = o.id AND t.status = 'succeeded')
                  FROM provisioner.operations o""")) {
            int rollouts = 0;
            while (rs.next()) {
                rollouts++;
                assertEquals("succeeded", rs.getString(2), "rollout " + rs.getString(1));
                assertEquals(rs.getInt(3), rs.getInt(4), "rollout " + rs.getString(1) + " counted every tenant");
                assertEquals(0, rs.getInt(5), "rollout " + rs.getString(1));
                assertEquals(rs.getInt(4), rs.getInt(6), "rollout " + rs.getString(1) + " counted each tenant once");
            }
            assertTrue(rollouts > 0);
        }
    }

    private static boolean lifecycleConverged(Map<String, String> desired) throws SQLException {
        for (Map.Entry<String, String> org : desired.entrySet()) {
            String status = status(org.getKey());
            if (status.equals("failed")) {
                fail(org.getKey() + " failed: " + fleetState(desired));
            }
            if (!status.equals(org.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** A rollout succeeded, none is left running, and every live tenant has the staged migration. */
    private static boolean rolloutConverged() throws SQLException {
        try (Connection c = metadata(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("""
                SELECT EXISTS (SELECT 1 FROM provisioner.operations WHERE status = 'succeeded')
                   AND NOT EXISTS (SELECT 1 FROM provisioner.operations WHERE status = 'running')
                   AND NOT EXISTS (SELECT 1 FROM provisioner.tenants WHERE status IN ('active', 'suspended')
                                      AND schema_version IS DISTINCT FROM '""" + STAGED_VERSION + "')")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private static String fleetState(Map<String, String> desired) throws SQLException {
        StringBuilder state = new StringBuilder();
        for (Map.Entry<String, String> org : desired.entrySet()) {
            state.append('\n').append(org.getKey()).append(": desired ").append(org.getValue()).append(", is ")
                    .append(status(org.getKey())).append(", registry ").append(registry("status", org.getKey()))
                    .append(" at ").append(registry("schema_version", org.getKey()))
                    .append(", last error ").append(registry("last_error", org.getKey()));
        }
        try (Connection c = metadata(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT id, status, total, succeeded, failed, message FROM provisioner.operations ORDER BY started_at")) {
            while (rs.next()) {
                state.append("\nrollout ").append(rs.getString(1)).append(' ').append(rs.getString(2)).append(' ')
                        .append(rs.getInt(4)).append('+').append(rs.getInt(5)).append('/').append(rs.getInt(3))
                        .append(' ').append(rs.getString(6));
            }
        }
        return state.toString();
    }

    /**
     * A results migration about to be released, on the file system. It takes a while on purpose, so kills land
     * in the middle of rollouts and of new tenants' migrations.
     */
    private static Path stagedMigration() throws IOException {
        Path directory = Files.createDirectories(bed.work.resolve("staged"));
        Files.writeString(directory.resolve("V" + STAGED_VERSION + "__kill_test_note.sql"),
                "ALTER TABLE jobs ADD COLUMN kill_test_note text;\nSELECT pg_sleep(0.2);\n");
        return directory;
    }

    private static Set<String> names(PostgresEndpoint endpoint, String sql) throws SQLException {
        Set<String> names = new HashSet<>();
        try (Connection c = endpoint.connect("postgres"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                names.add(rs.getString(1));
            }
        }
        return names;
    }
}
