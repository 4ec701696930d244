package io.tenantry.provisioner;

import static io.restassured.RestAssured.given;
import static io.tenantry.provisioner.ProvisionerTestSupport.asTenant;
import static io.tenantry.provisioner.ProvisionerTestSupport.exists;
import static io.tenantry.provisioner.ProvisionerTestSupport.fill;
import static io.tenantry.provisioner.ProvisionerTestSupport.newOrganization;
import static io.tenantry.provisioner.ProvisionerTestSupport.registry;
import static io.tenantry.provisioner.ProvisionerTestSupport.server;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import io.tenantry.provisioner.move.MoveView;
import io.tenantry.provisioner.move.Moves;
import io.tenantry.provisioner.reconcile.Reconciler;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.servers.LocalServers;
import io.tenantry.servers.PostgresEndpoint;
import io.tenantry.testing.Eventually;
import io.tenantry.testing.TenantryTestServers;

/** Moving a live tenant between two real servers by logical replication: nothing lost, nothing left behind. */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = ProvisionerTestSupport.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.PROVISIONER_ROLE)})
class MoveTest {

    private static final String ADMIN = Jwt.subject("user:admin").groups(Set.of("user", "platform-admin")).sign();
    private static final Duration MOVE_PATIENCE = Duration.ofMinutes(2);

    @Inject
    Reconciler reconciler;

    @Inject
    Moves moves;

    @Test
    void aTenantMovesUnderConstantWritesAndLosesOrDuplicatesNothing() throws Exception {
        String orgId = liveTenant();
        String from = registry("server", orgId);
        String to = other(from);
        Set<UUID> acknowledged = ConcurrentHashMap.newKeySet();
        Map<String, Integer> acknowledgedOn = new ConcurrentHashMap<>();
        AtomicBoolean writing = new AtomicBoolean(true);
        String structures = secondaryStructures(endpoint(from), orgId);
        Thread writer = new Thread(() -> writeUntilStopped(orgId, writing, acknowledged, acknowledgedOn));
        writer.start();
        try {
            Eventually.within(Duration.ofSeconds(30), "the writer has written", () -> acknowledged.size() > 50);
            MoveView move = moves.request(orgId, to, null, "user:test");
            MoveView done = awaitEnd(orgId, move.id());
            assertEquals("done", done.step(), done.error());
            assertNotNull(done.writePauseMs());
            int before = acknowledged.size();
            Eventually.within(Duration.ofSeconds(30), "the writer writes on the new server",
                    () -> acknowledged.size() > before + 50);
        } finally {
            writing.set(false);
            writer.join();
        }

        assertEquals(to, registry("server", orgId));
        assertNull(registry("maintenance", orgId));
        assertTrue(acknowledgedOn.getOrDefault(from, 0) > 0 && acknowledgedOn.getOrDefault(to, 0) > 0,
                "writes were acknowledged on both servers: " + acknowledgedOn);
        PostgresEndpoint target = endpoint(to);
        try (Connection c = target.connect("results_" + orgId); Statement s = c.createStatement()) {
            Set<UUID> stored = new HashSet<>();
            try (ResultSet rs = s.executeQuery("SELECT id FROM jobs")) {
                while (rs.next()) {
                    stored.add(rs.getObject(1, UUID.class));
                }
            }
            assertEquals(acknowledged, stored, "exactly the acknowledged jobs, each once");
            assertEquals(3L * stored.size(), count(s, "SELECT count(*) FROM docking_results"));
            assertEquals(0, count(s, """
                    SELECT count(*) FROM jobs j WHERE (SELECT count(*) FROM job_events e WHERE e.job_id = j.id) <> 1"""));
            assertEquals(0, count(s, "SELECT count(*) FROM pg_subscription"), "the subscription is gone");
        }
        assertEquals(structures, secondaryStructures(target, orgId),
                "the indexes and foreign keys dropped for the copy are all there again");
        assertLeftNothingOn(endpoint(from), orgId);
        try (Connection own = asTenant(orgId, target, "results_" + orgId)) {
            assertTrue(own.isValid(2));
        }
        assertThrows(SQLException.class, () -> asTenant(orgId, target, "postgres").close());
        assertEquals(1L, Long.parseLong(ProvisionerTestSupport.queryString(
                "SELECT count(*)::text FROM audit_log WHERE org_id = ? AND action = 'tenant.move'", orgId)));
        given().auth().oauth2(ADMIN).get("/api/v1/tenants/" + orgId + "/moves").then().statusCode(200)
                .body("[0].step", equalTo("done")).body("[0].targetServer", equalTo(to));
    }

    @Test
    void anAbortDuringTheCopyLeavesTheTenantWhereItWasAndNothingBehind() throws Exception {
        String orgId = liveTenant();
        String from = registry("server", orgId);
        String to = other(from);
        fill(endpoint(from), "results_" + orgId, 400_000);
        MoveView move = moves.request(orgId, to, null, "user:test");
        Eventually.within(Duration.ofSeconds(60), "the copy runs",
                () -> "copying".equals(moves.view(orgId, move.id()).step()));
        given().auth().oauth2(ADMIN).post("/api/v1/tenants/" + orgId + "/moves/" + move.id() + "/abort")
                .then().statusCode(202).body("abortRequested", equalTo(true));
        MoveView ended = awaitEnd(orgId, move.id());

        assertEquals("aborted", ended.step(), ended.error());
        assertEquals(from, registry("server", orgId));
        assertNull(registry("maintenance", orgId));
        assertFalse(exists(endpoint(to), "SELECT 1 FROM pg_database WHERE datname = ?", "results_" + orgId));
        assertFalse(exists(endpoint(to), "SELECT 1 FROM pg_roles WHERE rolname = ?", "tenant_" + orgId));
        assertFalse(exists(endpoint(from), "SELECT 1 FROM pg_replication_slots WHERE database = ?", "results_" + orgId));
        try (Connection c = asTenant(orgId, endpoint(from), "results_" + orgId); Statement s = c.createStatement()) {
            assertEquals(0, count(s, "SELECT count(*) FROM pg_publication"), "the publication is gone");
            BackupRestoreTest.writeJobWithResults(c, 1);
        }
        given().auth().oauth2(ADMIN).post("/api/v1/tenants/" + orgId + "/moves/" + move.id() + "/abort")
                .then().statusCode(409);
    }

    @Test
    void aMoveWaitsOutItsTargetServerRestartingDuringTheCopy() throws Exception {
        LocalServers servers = TenantryTestServers.servers();
        assumeTrue(servers.canRestartPostgres(1), "only embedded servers are restarted");
        String orgId = liveTenant();
        if (!"pg0".equals(registry("server", orgId))) {
            // Server 0 holds the registry and stays up; the tenant starts there so that server 1 is its target.
            assertEquals("done", awaitEnd(orgId, moves.request(orgId, "pg0", null, "user:test").id()).step());
        }
        fill(endpoint("pg0"), "results_" + orgId, 400_000);
        MoveView move = moves.request(orgId, "pg1", null, "user:test");
        Eventually.within(Duration.ofSeconds(60), "the copy runs",
                () -> "copying".equals(moves.view(orgId, move.id()).step()));
        servers.stopPostgres(1);
        try {
            Eventually.within(Duration.ofSeconds(30), "the move notices its target is away",
                    () -> moves.view(orgId, move.id()).error() != null);
            MoveView paused = moves.view(orgId, move.id());
            assertEquals("copying", paused.step(), paused.error());
            assertEquals("pg0", registry("server", orgId));
        } finally {
            servers.startPostgres(1);
        }
        // What the scheduled pass (off in tests) does every few seconds: the paused move rests a while, then resumes.
        Eventually.within(Duration.ofSeconds(30), "a pass resumes the move", () -> moves.driveWaiting() == 1);
        MoveView done = awaitEnd(orgId, move.id());

        assertEquals("done", done.step(), done.error());
        assertEquals("pg1", registry("server", orgId));
        try (Connection c = endpoint("pg1").connect("results_" + orgId); Statement s = c.createStatement()) {
            assertEquals(400_000L, count(s, "SELECT count(*) FROM docking_results"));
        }
        assertLeftNothingOn(endpoint("pg0"), orgId);
    }

    @Test
    void aSuspendedTenantMovesAndStaysLockedOut() throws Exception {
        String orgId = liveTenant();
        String to = other(registry("server", orgId));
        ProvisionerTestSupport.desire(orgId, "suspended");
        reconciler.reconcile(orgId);
        MoveView done = awaitEnd(orgId, moves.request(orgId, to, null, "user:test").id());
        assertEquals("done", done.step(), done.error());
        assertThrows(SQLException.class, () -> asTenant(orgId, endpoint(to), "results_" + orgId).close());
        ProvisionerTestSupport.desire(orgId, "active");
        reconciler.reconcile(orgId);
        try (Connection own = asTenant(orgId, endpoint(to), "results_" + orgId)) {
            assertTrue(own.isValid(2), "resumed on its new server");
        }
    }

    @Test
    void movesAreRefusedWithProblems() throws Exception {
        String orgId = liveTenant();
        String here = registry("server", orgId);
        String path = "/api/v1/tenants/" + orgId + "/moves";
        String member = Jwt.subject("user:member").groups(Set.of("user")).sign();
        given().auth().oauth2(member).contentType("application/json").body(Map.of("targetServer", other(here)))
                .post(path).then().statusCode(403);
        given().auth().oauth2(member).get(path).then().statusCode(403);
        given().auth().oauth2(member).get("/api/v1/servers").then().statusCode(403);
        given().auth().oauth2(member).post("/api/v1/servers/" + here + "/drain").then().statusCode(403);
        given().auth().oauth2(member).get("/api/v1/servers/rebalance?region=eu-west").then().statusCode(403);
        given().get("/api/v1/servers").then().statusCode(401);
        given().auth().oauth2(ADMIN).contentType("application/json").body(Map.of("targetServer", "pg9"))
                .post(path).then().statusCode(400).body("errors[0].field", equalTo("targetServer"));
        given().auth().oauth2(ADMIN).contentType("application/json").body(Map.of("targetServer", "pg0; DROP"))
                .post(path).then().statusCode(400);
        given().auth().oauth2(ADMIN).contentType("application/json").body(Map.of())
                .post(path).then().statusCode(400);
        given().auth().oauth2(ADMIN).contentType("application/json")
                .body(Map.of("targetServer", other(here), "targetRegion", "eu-west")).post(path).then().statusCode(400);
        given().auth().oauth2(ADMIN).contentType("application/json").body(Map.of("targetServer", here))
                .post(path).then().statusCode(409);
        given().auth().oauth2(ADMIN).contentType("application/json").body(Map.of("targetRegion", "mars-north"))
                .post(path).then().statusCode(409);
        given().auth().oauth2(ADMIN).contentType("application/json").body(Map.of("targetServer", other(here)))
                .post("/api/v1/tenants/nosuchorg_x/moves").then().statusCode(404);
        given().auth().oauth2(ADMIN).get(path + "/" + UUID.randomUUID()).then().statusCode(404);
        given().auth().oauth2(ADMIN).get(path + "/not-a-uuid").then().statusCode(400);
        given().auth().oauth2(ADMIN).post("/api/v1/servers/pg9/drain").then().statusCode(404);
        given().auth().oauth2(ADMIN).get("/api/v1/servers/rebalance?region=EU WEST").then().statusCode(400);
        given().auth().oauth2(ADMIN).get("/api/v1/servers").then().statusCode(200)
                .body("name", hasItems("pg0", "pg1"));
    }

    /**
     * Writes as results-service would, to the server the registry names: a job with three docking results and one
     * event per transaction, each acknowledged only once committed. Refused writes (the fence, a closed database)
     * are retried with a new job after reading the registry again.
     */
    private static void writeUntilStopped(String orgId, AtomicBoolean writing, Set<UUID> acknowledged,
                                          Map<String, Integer> acknowledgedOn) {
        Connection c = null;
        String connectedTo = null;
        while (writing.get()) {
            try {
                String server = registry("server", orgId);
                if (c == null || !server.equals(connectedTo)) {
                    closeQuietly(c);
                    c = asTenant(orgId, endpoint(server), "results_" + orgId);
                    c.setAutoCommit(false);
                    connectedTo = server;
                }
                UUID job = UUID.randomUUID();
                try (PreparedStatement s = c.prepareStatement("""
                        INSERT INTO jobs (id, template_id, template_name, template_version, steps, inputs, status,
                                          submitted_by, created_at, updated_at)
                        VALUES (?, gen_random_uuid(), 'standard-docking', 1, '[]', '{}', 'queued', 'user:x', now(),
                                now())""")) {
                    s.setObject(1, job);
                    s.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement("""
                        INSERT INTO docking_results (job_id, molecule_id, score, rank, poses, created_at)
                        SELECT ?, gen_random_uuid(), -7.5, n, '[]', now() FROM generate_series(1, 3) n""")) {
                    s.setObject(1, job);
                    s.executeUpdate();
                }
                try (PreparedStatement s = c.prepareStatement("""
                        INSERT INTO job_events (job_id, occurred_at, kind) VALUES (?, now(), 'submitted')""")) {
                    s.setObject(1, job);
                    s.executeUpdate();
                }
                c.commit();
                acknowledged.add(job);
                acknowledgedOn.merge(server, 1, Integer::sum);
            } catch (SQLException refused) {
                closeQuietly(c);
                c = null;
                sleep(5);
            }
        }
        closeQuietly(c);
    }

    private MoveView awaitEnd(String orgId, UUID id) {
        ProvisionerTestSupport.awaitMoves(moves, MOVE_PATIENCE, "the move ends", () -> moves.view(orgId, id).finished());
        return moves.view(orgId, id);
    }

    /** On the server it left: no database, role, slot or subscription of the tenant. */
    private static void assertLeftNothingOn(PostgresEndpoint server, String orgId) throws SQLException {
        assertFalse(exists(server, "SELECT 1 FROM pg_database WHERE datname = ?", "results_" + orgId));
        assertFalse(exists(server, "SELECT 1 FROM pg_roles WHERE rolname = ?", "tenant_" + orgId));
        assertFalse(exists(server, "SELECT 1 FROM pg_replication_slots WHERE slot_name LIKE ?", "%" + orgId));
        assertThrows(SQLException.class, () -> asTenant(orgId, server, "postgres").close());
    }

    /** Every index and foreign key of the tenant's database, as PostgreSQL defines them. */
    private static String secondaryStructures(PostgresEndpoint server, String orgId) throws SQLException {
        StringBuilder all = new StringBuilder();
        try (Connection c = server.connect("results_" + orgId); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT indexdef FROM pg_indexes WHERE schemaname = 'public'
                     UNION ALL
                     SELECT conname || ' ' || pg_get_constraintdef(oid) FROM pg_constraint
                      WHERE contype = 'f' AND connamespace = 'public'::regnamespace
                     ORDER BY 1""")) {
            while (rs.next()) {
                all.append(rs.getString(1)).append('\n');
            }
        }
        return all.toString();
    }

    private String liveTenant() throws SQLException {
        String orgId = newOrganization("eu-west");
        assertTrue(reconciler.reconcile(orgId));
        return orgId;
    }

    private static String other(String server) {
        return "pg0".equals(server) ? "pg1" : "pg0";
    }

    private static PostgresEndpoint endpoint(String name) {
        return server(Integer.parseInt(name.substring(2)));
    }

    private static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static void closeQuietly(Connection c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException ignored) {
            // already broken
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
