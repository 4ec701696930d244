package io.tenantry.provisioner;

import static io.restassured.RestAssured.given;
import static io.tenantry.provisioner.ProvisionerTestSupport.asTenant;
import static io.tenantry.provisioner.ProvisionerTestSupport.newOrganization;
import static io.tenantry.provisioner.ProvisionerTestSupport.registry;
import static io.tenantry.provisioner.ProvisionerTestSupport.serverOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import io.tenantry.common.OrgId;
import io.tenantry.common.TenantCredentials;
import io.tenantry.provisioner.reconcile.Reconciler;
import io.tenantry.provisioner.rollout.RolloutPlan;
import io.tenantry.provisioner.rollout.RolloutRunner;
import io.tenantry.provisioner.rollout.RolloutStore;
import io.tenantry.provisioner.rollout.RolloutView;
import io.tenantry.provisioner.rollout.Rollouts;
import io.tenantry.provisioner.tenant.TenantMigrations;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.schema.ResultsSchema;
import io.tenantry.testing.TenantryTestServers;

@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = ProvisionerTestSupport.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.PROVISIONER_ROLE)})
class RolloutTest {

    static final String TEST_MIGRATION = "999";
    static final List<String> WITH_TEST_MIGRATION = List.of(ResultsSchema.LOCATION, "classpath:db/results-rollout-test");

    @Inject
    Reconciler reconciler;

    @Inject
    RolloutStore store;

    @Inject
    RolloutRunner runner;

    @Inject
    Rollouts rollouts;

    @Inject
    TenantMigrations migrations;

    @Test
    void aRolloutWithNothingToApplyAnswersFromTheRegistryAndADriftCheckFindsWhatItMissed() throws Exception {
        String orgId = newOrganization("eu-west");
        reconciler.reconcile(orgId);
        // Behind the registry's back, the database goes one version down: drift only opening it can see.
        ProvisionerTestSupport.migrate(migrations, orgId, List.of(ResultsSchema.LOCATION), "2");

        RolloutView fromRegistry = rollouts.runToEnd(new RolloutPlan(0, 2, 100_000), "test");
        assertEquals("succeeded", fromRegistry.status(), fromRegistry.toString());
        assertTrue(fromRegistry.upToDate() >= 1, fromRegistry.toString());
        assertEquals("2", tenantVersion(orgId), "answered from the registry: the database was not opened");

        long sessionsBefore = sessionsOpened(orgId, -1);
        RolloutView driftCheck = rollouts.runToEnd(new RolloutPlan(0, 2, 100_000, null, true), "test");
        assertEquals(0, driftCheck.upToDate());
        assertEquals(sessionsBefore + 2, sessionsOpened(orgId, sessionsBefore + 2),
                "migrating the tenant took one connection to its database, and its backup before it one more");
        assertEquals(ResultsSchema.NEWEST_VERSION, tenantVersion(orgId), "the drift check brought it back");
        RolloutView again = rollouts.runToEnd(new RolloutPlan(0, 2, 100_000), "test");
        assertEquals("succeeded 0", ProvisionerTestSupport.queryString("SELECT status || ' ' || duration_ms"
                + " FROM provisioner.operation_tenants WHERE operation_id = '" + again.id() + "' AND org_id = ?", orgId),
                "after the drift check the registry answers for it again");
    }

    @Test
    void aPlanReadFromTheSchemaHistoryIsTheOneFlywaysLookMakes() throws Exception {
        String orgId = newOrganization("eu-west");
        reconciler.reconcile(orgId);
        List<String> released = List.of(ResultsSchema.LOCATION);
        String newest = ResultsSchema.NEWEST_VERSION;
        try (TenantMigrations.Session schema = migrations.open(registry("server", orgId), OrgId.of(orgId))) {
            // Each look twice: the first of a list of locations may be Flyway's own, the next is the history's.
            for (int look = 0; look < 2; look++) {
                assertEquals(new TenantMigrations.Plan(newest, false), schema.plan(released, null));
                assertEquals(new TenantMigrations.Plan(newest, false), schema.plan(released, newest));
                assertEquals(new TenantMigrations.Plan(newest, true), schema.plan(released, "2"), "above the target");
                assertEquals(new TenantMigrations.Plan(newest, true), schema.plan(WITH_TEST_MIGRATION, null), "999 pending");
                assertEquals(new TenantMigrations.Plan(newest, false), schema.plan(WITH_TEST_MIGRATION, newest),
                        "999 is above the target");
            }
        }
        ProvisionerTestSupport.migrate(migrations, orgId, released, "2");
        try (TenantMigrations.Session schema = migrations.open(registry("server", orgId), OrgId.of(orgId))) {
            assertEquals(new TenantMigrations.Plan("2", true), schema.plan(released, null));
            assertEquals(new TenantMigrations.Plan("2", false), schema.plan(released, "2"));
            assertEquals(new TenantMigrations.Plan("2", true), schema.plan(WITH_TEST_MIGRATION, newest));
        }
    }

    /**
     * A migration that makes a table grants it to the tenant role (and never the migration history); one that makes
     * none grants nothing again, so what was revoked meanwhile (a move's write fence) stays revoked.
     */
    @Test
    void aMigrationThatMakesATableGrantsItAndOneThatMakesNoneGrantsNothingAgain() throws Exception {
        String orgId = newOrganization("eu-west");
        reconciler.reconcile(orgId);
        Path staged = Files.createTempDirectory("staged-migrations");
        Files.writeString(staged.resolve("V999__notes.sql"),
                "CREATE TABLE notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, body text);");
        Files.writeString(staged.resolve("V1000__note_authors.sql"), "ALTER TABLE notes ADD COLUMN author text;");
        List<String> locations = List.of(ResultsSchema.LOCATION, "filesystem:" + staged);
        ProvisionerTestSupport.migrate(migrations, orgId, locations, "999");
        try (Connection c = asTenant(orgId, serverOf(orgId), "results_" + orgId); Statement s = c.createStatement()) {
            s.executeUpdate("INSERT INTO notes (body) VALUES ('granted')");
            assertThrows(SQLException.class, () -> s.executeQuery("SELECT * FROM flyway_schema_history"));
        }
        try (Connection c = serverOf(orgId).connect("results_" + orgId); Statement s = c.createStatement()) {
            s.execute("REVOKE INSERT ON notes FROM \"" + TenantCredentials.roleName(OrgId.of(orgId)) + "\"");
        }
        ProvisionerTestSupport.migrate(migrations, orgId, locations, null);
        assertEquals("1000", tenantVersion(orgId));
        try (Connection c = asTenant(orgId, serverOf(orgId), "results_" + orgId); Statement s = c.createStatement()) {
            s.executeQuery("SELECT author FROM notes").close();
            assertThrows(SQLException.class, () -> s.executeUpdate("INSERT INTO notes (body) VALUES ('fenced')"));
        }
    }

    /**
     * Sessions ever opened to the tenant's database, by the server's statistics, which a backend reports as it ends:
     * read until they reach {@code expected} (a little longer, so that more would show) or for at most 5 s.
     */
    private static long sessionsOpened(String orgId, long expected) throws Exception {
        long deadline = System.nanoTime() + 5_000_000_000L;
        long sessions;
        do {
            Thread.sleep(expected < 0 ? 0 : 300);
            try (Connection c = serverOf(orgId).connect("postgres"); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT sessions FROM pg_stat_database WHERE datname = 'results_"
                         + orgId + "'")) {
                rs.next();
                sessions = rs.getLong(1);
            }
        } while (expected >= 0 && sessions < expected && System.nanoTime() < deadline);
        return sessions;
    }

    private static String tenantVersion(String orgId) throws SQLException {
        try (Connection c = serverOf(orgId).connect("results_" + orgId); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("""
                     SELECT version FROM flyway_schema_history WHERE success ORDER BY installed_rank DESC LIMIT 1""")) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void aBrokenMigrationFailsOnlyItsTenantAndTheRolloutReportsIt() throws Exception {
        List<String> orgs = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String orgId = newOrganization("eu-west");
            reconciler.reconcile(orgId);
            orgs.add(orgId);
        }
        String broken = orgs.get(3);
        try (Connection c = serverOf(broken).connect("results_" + broken); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE jobs ADD COLUMN note integer");
        }
        RolloutPlan plan = new RolloutPlan(0, 3, 5);
        RolloutView result = runner.run(store.create(plan, "test"), plan, WITH_TEST_MIGRATION);
        assertEquals("failed", result.status(), result.toString());
        assertEquals(1, result.failures().stream().filter(f -> f.orgId().equals(broken)).count(), result.toString());
        assertEquals(0, result.pending());
        assertEquals(ResultsSchema.NEWEST_VERSION, registry("schema_version", broken), "the failed tenant stays on its previous version");
        for (String orgId : orgs) {
            if (!orgId.equals(broken)) {
                assertEquals(TEST_MIGRATION, registry("schema_version", orgId));
            }
        }
        assertTrue(registry("last_error", broken).contains("rollout"));
    }

    @Test
    void aFailingCanaryStopsTheRolloutBeforeTheRest() throws Exception {
        String canary = newOrganization("a", "eu-west");
        reconciler.reconcile(canary);
        reconciler.reconcile(newOrganization("eu-west"));
        try (Connection c = serverOf(canary).connect("results_" + canary); Statement s = c.createStatement()) {
            s.execute("ALTER TABLE jobs ADD COLUMN note integer");
        }
        RolloutPlan plan = new RolloutPlan(1, 2, 1000);
        RolloutView result = runner.run(store.create(plan, "test"), plan, WITH_TEST_MIGRATION);
        assertEquals("stopped", result.status(), result.toString());
        assertEquals(1, result.failed());
        assertEquals(canary, result.failures().get(0).orgId());
        assertEquals(0, result.succeeded());
        assertTrue(result.pending() >= 1, "the rest were not touched: " + result);
    }

    @Test
    void aRolloutGivesTenantsProvisionedBeforeSessionLimitsTheirLimits() throws Exception {
        String orgId = newOrganization("eu-west");
        reconciler.reconcile(orgId);
        try (Connection c = serverOf(orgId).connect("postgres"); Statement s = c.createStatement()) {
            s.execute("ALTER ROLE tenant_" + orgId + " RESET ALL");
        }
        assertEquals("0", tenantSetting(orgId, "statement_timeout"));
        RolloutPlan plan = new RolloutPlan(0, 2, 1000);
        runner.run(store.create(plan, "test"), plan, List.of(ResultsSchema.LOCATION));
        assertEquals("1s", tenantSetting(orgId, "statement_timeout"));
        assertEquals("1min", tenantSetting(orgId, "idle_in_transaction_session_timeout"));
    }

    private static String tenantSetting(String orgId, String setting) throws SQLException {
        try (Connection c = asTenant(orgId, serverOf(orgId), "results_" + orgId); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SHOW " + setting)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void rerunningAnInterruptedRolloutOnlyTouchesWhatIsPending() throws Exception {
        String orgId = newOrganization("eu-west");
        reconciler.reconcile(orgId);
        RolloutPlan plan = new RolloutPlan(0, 2, 1000);
        UUID id = store.create(plan, "test");
        RolloutView first = runner.run(id, plan, WITH_TEST_MIGRATION);
        RolloutView again = runner.run(id, plan, WITH_TEST_MIGRATION);
        assertEquals(first.succeeded(), again.succeeded());
        assertEquals(first.failed(), again.failed());
        assertEquals(0, again.pending());
    }

    @Test
    void aRolloutLeftRunningByAKilledProcessIsResumedWithoutTheTenantsDeletedSince() throws Exception {
        String kept = newOrganization("eu-west");
        reconciler.reconcile(kept);
        String deleted = newOrganization("eu-west");
        reconciler.reconcile(deleted);
        UUID id = store.create(new RolloutPlan(0, 2, 0), "test");
        ProvisionerTestSupport.desire(deleted, "deleted");
        reconciler.reconcile(deleted);

        RolloutView resumed = rollouts.resumeInterrupted().stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow();
        assertEquals("succeeded", resumed.status(), resumed.toString());
        assertEquals(resumed.total(), resumed.succeeded(), resumed.toString());
        assertEquals(0, resumed.pending());
        assertTrue(rollouts.resumeInterrupted().stream().noneMatch(r -> r.id().equals(id)), "resumed once");
    }

    @Test
    void operatorsStartAndFollowRolloutsOverRestWithAPlatformAdminToken() {
        String admin = Jwt.subject("user:admin").groups(Set.of("user", "platform-admin")).sign();
        String member = Jwt.subject("user:someone").groups(Set.of("user")).claim("org", "acme").sign();
        String id = given().auth().oauth2(admin).contentType("application/json")
                .body("{\"canarySize\": 1, \"parallelism\": 2, \"maxFailures\": 100}")
                .post("/api/v1/rollouts").then().statusCode(202).header("Location", notNullValue())
                .body("status", equalTo("running")).extract().path("id");
        given().auth().oauth2(admin).get("/api/v1/rollouts/" + id).then().statusCode(200).body("id", equalTo(id));
        given().auth().oauth2(admin).get("/api/v1/rollouts/" + UUID.randomUUID()).then().statusCode(404)
                .contentType("application/problem+json");
        given().auth().oauth2(admin).contentType("application/json").body("{\"parallelism\": 0}")
                .post("/api/v1/rollouts").then().statusCode(400).contentType("application/problem+json");
        given().auth().oauth2(admin).get("/api/v1/tenants").then().statusCode(200)
                .body("bySchemaVersion", notNullValue());
        given().auth().oauth2(admin).get("/api/v1/tenants/no_such_tenant").then().statusCode(404);
        given().auth().oauth2(admin).get("/api/v1/tenants/Bad-Id").then().statusCode(400);
        given().auth().oauth2(member).get("/api/v1/tenants").then().statusCode(403)
                .contentType("application/problem+json");
        given().get("/api/v1/tenants").then().statusCode(401).contentType("application/problem+json");
        given().auth().oauth2(member).contentType("application/json").body("{}").post("/api/v1/rollouts")
                .then().statusCode(403);
    }

    @Test
    void aTenantsDetailShowsItsMigrationHistory() throws SQLException {
        String orgId = newOrganization("eu-west");
        reconciler.reconcile(orgId);
        String admin = Jwt.subject("user:admin").groups(Set.of("user", "platform-admin")).sign();
        given().auth().oauth2(admin).get("/api/v1/tenants/" + orgId).then().statusCode(200)
                .body("status", equalTo("active")).body("migrations[0].version", equalTo(ResultsSchema.NEWEST_VERSION))
                .body("database", equalTo("results_" + orgId));
    }

    @Test
    void aPausedRolloutStartsNoTenantUntilResumedAndThenFinishesWhereItStopped() throws Exception {
        String orgId = newOrganization("eu-west");
        reconciler.reconcile(orgId);
        String admin = Jwt.subject("user:admin").groups(Set.of("user", "platform-admin")).sign();
        RolloutPlan plan = new RolloutPlan(0, 2, 100_000);
        UUID id = store.create(plan, "test");

        given().auth().oauth2(admin).post("/api/v1/rollouts/" + id + "/pause").then().statusCode(200)
                .body("status", equalTo("paused")).body("message", equalTo("paused by user:admin"));
        given().auth().oauth2(admin).post("/api/v1/rollouts/" + id + "/pause").then().statusCode(409)
                .contentType("application/problem+json");
        RolloutView paused = runner.run(id, plan, WITH_TEST_MIGRATION);
        assertEquals("paused", paused.status(), paused.toString());
        assertEquals(0, paused.succeeded() + paused.failed(), "no tenant was started: " + paused);
        assertEquals(paused.total(), paused.pending());
        assertEquals(ResultsSchema.NEWEST_VERSION, registry("schema_version", orgId));

        given().auth().oauth2(admin).post("/api/v1/rollouts/" + id + "/resume").then().statusCode(202)
                .body("status", equalTo("running"));
        RolloutView finished = awaitEnd(id);
        assertTrue(Set.of("succeeded", "failed").contains(finished.status()), finished.toString());
        assertEquals(0, finished.pending(), "resumed where it stopped and ran to the end: " + finished);
        given().auth().oauth2(admin).post("/api/v1/rollouts/" + id + "/resume").then().statusCode(409);
        given().auth().oauth2(admin).post("/api/v1/rollouts/" + id + "/cancel").then().statusCode(409);
        assertEquals("paused,resumed", changesAudited(id, "user:admin"), "refused changes are not audited");
    }

    @Test
    void aCancelledRolloutEndsWithItsPendingTenantsUntouchedAndCannotBeResumed() throws Exception {
        String orgId = newOrganization("eu-west");
        reconciler.reconcile(orgId);
        String admin = Jwt.subject("user:admin").groups(Set.of("user", "platform-admin")).sign();
        RolloutPlan plan = new RolloutPlan(0, 2, 100_000);
        UUID id = store.create(plan, "test");

        given().auth().oauth2(admin).post("/api/v1/rollouts/" + id + "/cancel").then().statusCode(200)
                .body("status", equalTo("cancelled")).body("finishedAt", notNullValue());
        RolloutView cancelled = runner.run(id, plan, WITH_TEST_MIGRATION);
        assertEquals("cancelled", cancelled.status(), cancelled.toString());
        assertEquals(cancelled.total(), cancelled.pending(), cancelled.toString());
        assertEquals(ResultsSchema.NEWEST_VERSION, registry("schema_version", orgId));
        given().auth().oauth2(admin).post("/api/v1/rollouts/" + id + "/resume").then().statusCode(409)
                .contentType("application/problem+json");
        given().auth().oauth2(admin).post("/api/v1/rollouts/" + id + "/pause").then().statusCode(409);
        given().auth().oauth2(admin).post("/api/v1/rollouts/" + UUID.randomUUID() + "/cancel").then().statusCode(404);
        String member = Jwt.subject("user:someone").groups(Set.of("user")).claim("org", "acme").sign();
        given().auth().oauth2(member).post("/api/v1/rollouts/" + id + "/cancel").then().statusCode(403);
        assertEquals("cancelled", changesAudited(id, "user:admin"));
        assertEquals(null, changesAudited(id, "user:someone"));
    }

    /** The changes of the rollout audited as {@code actor}'s, oldest first, comma-separated (null: none). */
    private static String changesAudited(UUID id, String actor) throws SQLException {
        return ProvisionerTestSupport.queryString("""
                SELECT string_agg(details->>'change', ',' ORDER BY id) FROM audit_log
                 WHERE action = 'fleet.rollout' AND target_type = 'rollout' AND org_id IS NULL
                   AND actor = '""" + actor + "' AND target_id = ?", id.toString());
    }

    @Test
    void rolloutsAreListedNewestFirstAKeysetPageAtATime() throws Exception {
        UUID older = store.create(new RolloutPlan(0, 1, 0), "test");
        UUID newer = store.create(new RolloutPlan(0, 1, 0), "test");
        String admin = Jwt.subject("user:admin").groups(Set.of("user", "platform-admin")).sign();
        String next = given().auth().oauth2(admin).get("/api/v1/rollouts?limit=1").then().statusCode(200)
                .body("items[0].id", equalTo(newer.toString())).body("next", notNullValue()).extract().path("next");
        given().auth().oauth2(admin).get("/api/v1/rollouts?limit=1&after=" + next).then().statusCode(200)
                .body("items[0].id", equalTo(older.toString()));
        given().auth().oauth2(admin).get("/api/v1/rollouts?after=not-a-cursor").then().statusCode(400);
        rollouts.cancel(older, "test");
        rollouts.cancel(newer, "test");
    }

    private RolloutView awaitEnd(UUID id) throws InterruptedException {
        long deadline = System.nanoTime() + 60_000_000_000L;
        RolloutView view = rollouts.view(id);
        while (view.status().equals("running") && System.nanoTime() < deadline) {
            Thread.sleep(100);
            view = rollouts.view(id);
        }
        return view;
    }
}
