package io.tenantry.provisioner;

import static io.restassured.RestAssured.given;
import static io.tenantry.provisioner.ProvisionerTestSupport.asTenant;
import static io.tenantry.provisioner.ProvisionerTestSupport.metadata;
import static io.tenantry.provisioner.ProvisionerTestSupport.newOrganization;
import static io.tenantry.provisioner.ProvisionerTestSupport.registry;
import static io.tenantry.provisioner.ProvisionerTestSupport.serverOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import io.tenantry.provisioner.cli.ProvisionerMain;
import io.tenantry.provisioner.locks.AdvisoryLocks;
import io.tenantry.provisioner.reconcile.Reconciler;
import io.tenantry.provisioner.rollout.RolloutPlan;
import io.tenantry.provisioner.rollout.RolloutRunner;
import io.tenantry.provisioner.rollout.RolloutStore;
import io.tenantry.provisioner.rollout.RolloutView;
import io.tenantry.provisioner.rollout.Rollouts;
import io.tenantry.provisioner.tenant.TenantMigrations;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.schema.ResultsSchema;
import io.tenantry.testing.SchemaChecks;
import io.tenantry.testing.TenantryTestServers;

/**
 * Downgrades on the embedded servers: one tenant over REST, the fleet as a rollout with a lower target version,
 * and what is refused. Fleet rollouts cover every live tenant of the test servers, so only this test's tenants are
 * looked at.
 */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = ProvisionerTestSupport.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.PROVISIONER_ROLE)})
class DowngradeTest {

    private static final String ADMIN = Jwt.subject("user:admin").groups(Set.of("user", "platform-admin")).sign();
    private static final RolloutPlan UP = new RolloutPlan(0, 2, 100_000);

    @Inject
    Reconciler reconciler;

    @Inject
    RolloutStore store;

    @Inject
    RolloutRunner runner;

    @Inject
    Rollouts rollouts;

    @Inject
    AdvisoryLocks locks;


    @Inject
    TenantMigrations migrations;

    @Inject
    ProvisionerMain commandLine;

    @Test
    void oneTenantGoesDownKeepingTheRowsOfItsRemainingTablesAndARolloutBringsItBack() throws Exception {
        String orgId = provision("t");
        String untouched = provision("t");
        addRows(orgId);

        given().auth().oauth2(ADMIN).contentType("application/json").body("{\"targetVersion\": \"1\"}")
                .post("/api/v1/tenants/" + orgId + "/downgrade").then().statusCode(200)
                .body("fromVersion", equalTo("3")).body("toVersion", equalTo("1"))
                .body("undone", equalTo(List.of("V3__idempotency_keys.sql", "V2__job_claims_and_queue.sql")));

        assertEquals("1", registry("schema_version", orgId));
        assertEquals("1", databaseVersion(orgId));
        assertFalse(tableExists(orgId, "idempotency_keys"));
        assertFalse(tableExists(orgId, "job_submissions_hourly"));
        assertEquals(1, countAsTenant(orgId, "jobs"), "the tenant role still reads what survived");
        assertEquals(1, countAsTenant(orgId, "docking_results"));
        assertEquals(1, queryInt(metadata(), """
                SELECT count(*) FROM provisioner.tenant_migrations
                 WHERE org_id = ? AND version = '1' AND description = 'downgraded from 3'""", orgId));

        runner.run(store.create(UP, "test"), UP, List.of(ResultsSchema.LOCATION));
        assertEquals(ResultsSchema.NEWEST_VERSION, registry("schema_version", orgId));
        assertEquals(catalog(untouched), catalog(orgId), "back up, the schema is the one a new tenant gets");
        assertEquals(1, countAsTenant(orgId, "jobs"));
        assertEquals(1, countAsTenant(orgId, "docking_results"));
        assertEquals(0, countAsTenant(orgId, "idempotency_keys"), "the tables made again are granted again");
    }

    @Test
    void aFleetDowngradeIsARolloutWithATargetThatAResumedRunKeeps() throws Exception {
        List<String> orgs = List.of(provision("t"), provision("t"), provision("t"));
        for (String orgId : orgs) {
            addRows(orgId);
        }
        // Recorded, then left running as by a killed process: the resumed run reads the target from the record.
        UUID id = store.create(new RolloutPlan(0, 2, 100_000, "2"), "test");
        RolloutView resumed = rollouts.resumeInterrupted().stream().filter(r -> r.id().equals(id)).findFirst()
                .orElseThrow();
        assertEquals(0, resumed.pending(), resumed.toString());
        assertEquals("2", resumed.targetVersion());
        for (String orgId : orgs) {
            assertEquals("2", registry("schema_version", orgId));
            assertEquals("2", databaseVersion(orgId));
            assertFalse(tableExists(orgId, "idempotency_keys"));
            assertEquals(1, countAsTenant(orgId, "job_submissions_hourly"));
            assertEquals("succeeded 3 2", queryString(metadata(), """
                    SELECT status || ' ' || from_version || ' ' || to_version FROM provisioner.operation_tenants
                     WHERE operation_id = ? AND org_id = ?""", id, orgId));
        }

        runner.run(store.create(UP, "test"), UP, List.of(ResultsSchema.LOCATION));
        for (String orgId : orgs) {
            assertEquals(ResultsSchema.NEWEST_VERSION, databaseVersion(orgId));
            assertEquals(1, countAsTenant(orgId, "jobs"));
        }
    }

    @Test
    void aFleetDowngradeWhoseCanaryFailsStopsWithTheCanaryWhollyOnItsVersionAndTheRestUntouched() throws Exception {
        String canary = provision("a0");
        String other = provision("t");
        addRows(canary);
        // An administrator's view on a table V2 made: V3's inverse succeeds, then V2's cannot drop the table.
        try (Connection c = serverOf(canary).connect("results_" + canary); Statement s = c.createStatement()) {
            s.execute("CREATE VIEW busy_hours AS SELECT hour FROM job_submissions_hourly");
        }
        try {
            RolloutPlan plan = new RolloutPlan(1, 2, 100_000, "1");
            UUID id = store.create(plan, "test");
            RolloutView result = runner.run(id, plan, List.of(ResultsSchema.LOCATION));

            assertEquals("stopped", result.status(), result.toString());
            assertEquals(0, result.succeeded(), result.toString());
            assertEquals(1, result.failed(), result.toString());
            assertEquals(canary, result.failures().get(0).orgId());
            assertTrue(result.failures().get(0).error().contains("U2__job_claims_and_queue.sql"), result.toString());
            assertEquals("3", registry("schema_version", canary));
            assertEquals("3", databaseVersion(canary));
            assertTrue(tableExists(canary, "idempotency_keys"), "V3's inverse rolled back with the failing one");
            assertEquals(1, countAsTenant(canary, "idempotency_keys"));
            assertTrue(registry("last_error", canary).contains("rollout " + id));
            assertEquals("pending", queryString(metadata(),
                    "SELECT status FROM provisioner.operation_tenants WHERE operation_id = ? AND org_id = ?", id, other));
            assertEquals("3", databaseVersion(other));
        } finally {
            // Out of the fleet, so it is no canary of any other test's rollout (they are taken by id).
            ProvisionerTestSupport.desire(canary, "deleted");
            reconciler.reconcile(canary);
        }
    }

    @Test
    void badTargetsAndBusyOrMissingTenantsAreRefusedWithProblems() throws Exception {
        String orgId = provision("t");
        String path = "/api/v1/tenants/" + orgId + "/downgrade";
        for (String body : List.of("{\"targetVersion\": \"4\"}", "{\"targetVersion\": \"0\"}",
                "{\"targetVersion\": \"2; DROP TABLE jobs\"}", "{}")) {
            given().auth().oauth2(ADMIN).contentType("application/json").body(body).post(path).then()
                    .statusCode(400).contentType("application/problem+json");
        }
        given().auth().oauth2(ADMIN).contentType("application/json").post(path).then().statusCode(400);
        given().auth().oauth2(ADMIN).contentType("application/json").body("{\"targetVersion\": \"9\"}")
                .post("/api/v1/rollouts").then().statusCode(400).contentType("application/problem+json")
                .body("detail", containsString("targetVersion"));
        given().auth().oauth2(ADMIN).contentType("application/json").body("{\"targetVersion\": \"2\"}")
                .post("/api/v1/tenants/no_such_tenant/downgrade").then().statusCode(404);
        given().auth().oauth2(ADMIN).contentType("application/json").body("{\"targetVersion\": \"2\"}")
                .post("/api/v1/tenants/Bad-Id/downgrade").then().statusCode(400);
        String member = Jwt.subject("user:someone").groups(Set.of("user")).claim("org", "acme").sign();
        given().auth().oauth2(member).contentType("application/json").body("{\"targetVersion\": \"2\"}")
                .post(path).then().statusCode(403);
        given().contentType("application/json").body("{\"targetVersion\": \"2\"}").post(path).then().statusCode(401);

        try (AdvisoryLocks.Lock busy = locks.tryTenant(orgId).orElseThrow()) {
            given().auth().oauth2(ADMIN).contentType("application/json").body("{\"targetVersion\": \"2\"}")
                    .post(path).then().statusCode(409).contentType("application/problem+json");
        }
        assertEquals("3", databaseVersion(orgId), "nothing refused changed the tenant");

        given().auth().oauth2(ADMIN).contentType("application/json").body("{\"targetVersion\": \"2\"}")
                .post(path).then().statusCode(200).body("toVersion", equalTo("2"));
        given().auth().oauth2(ADMIN).contentType("application/json").body("{\"targetVersion\": \"3\"}")
                .post(path).then().statusCode(409).body("detail", containsString("only goes down"));

        // A staged migration's inverse is found beside it only while its location is configured, as it is not here.
        ProvisionerTestSupport.migrate(migrations, orgId, RolloutTest.WITH_TEST_MIGRATION, null);
        assertEquals(RolloutTest.TEST_MIGRATION, databaseVersion(orgId));
        given().auth().oauth2(ADMIN).contentType("application/json").body("{\"targetVersion\": \"3\"}")
                .post(path).then().statusCode(422).body("detail", containsString("U999__job_notes.sql"));
        assertEquals(RolloutTest.TEST_MIGRATION, databaseVersion(orgId));
    }

    @Test
    void aStagedMigrationIsUndoneByTheInverseBesideIt() throws Exception {
        String orgId = provision("t");
        ProvisionerTestSupport.migrate(migrations, orgId, RolloutTest.WITH_TEST_MIGRATION, null);
        List<TenantMigrations.Migration> down = ProvisionerTestSupport.migrate(migrations, orgId,
                RolloutTest.WITH_TEST_MIGRATION, ResultsSchema.NEWEST_VERSION);
        assertEquals(List.of(new TenantMigrations.Migration(ResultsSchema.NEWEST_VERSION, "downgraded from 999",
                down.get(0).durationMs())), down);
        assertEquals(ResultsSchema.NEWEST_VERSION, databaseVersion(orgId));
        assertNull(queryString(serverOf(orgId).connect("results_" + orgId), """
                SELECT attname FROM pg_attribute WHERE attrelid = 'jobs'::regclass AND attname = ?
                   AND NOT attisdropped""", "note"));
    }

    /** The commands a Kubernetes Job runs, called in this process (a launched one would get servers of its own). */
    @Test
    void theCommandLineDowngradesOneTenantAndRollsTheFleetToATarget() throws Exception {
        String orgId = provision("t");
        assertEquals(0, commandLine.run("downgrade", orgId, "--to", "1"));
        assertEquals("1", registry("schema_version", orgId));
        assertEquals(1, commandLine.run("downgrade", orgId, "--to", "2"), "a downgrade does not go up");
        assertEquals(1, commandLine.run("downgrade", "no_such_tenant", "--to", "1"));
        commandLine.run("rollout", "--canary", "0", "--max-failures", "100000", "--to", "2");
        assertEquals("2", registry("schema_version", orgId));
        assertEquals("2", databaseVersion(orgId));
        commandLine.run("rollout", "--canary", "0", "--max-failures", "100000");
        assertEquals(ResultsSchema.NEWEST_VERSION, databaseVersion(orgId));
    }

    private String provision(String prefix) throws SQLException {
        String orgId = newOrganization(prefix, "eu-west");
        reconciler.reconcile(orgId);
        assertEquals(ResultsSchema.NEWEST_VERSION, registry("schema_version", orgId));
        return orgId;
    }

    /** A row in every table of the newest schema, written as the administrator. */
    private static void addRows(String orgId) throws SQLException {
        try (Connection c = serverOf(orgId).connect("results_" + orgId); Statement s = c.createStatement()) {
            s.execute("""
                    INSERT INTO jobs (id, template_id, template_name, template_version, steps, inputs, status,
                                      submitted_by, created_at, updated_at)
                    VALUES ('00000000-0000-7000-8000-000000000001', gen_random_uuid(), 'dock', 1, '[]', '{}',
                            'queued', 'test', now(), now())""");
            s.execute("""
                    INSERT INTO docking_results (job_id, molecule_id, score, poses, created_at)
                    VALUES ('00000000-0000-7000-8000-000000000001', gen_random_uuid(), -7.5, '[]', now())""");
            s.execute("INSERT INTO job_submissions_hourly (hour, submitted) VALUES (date_trunc('hour', now()), 1)");
            s.execute("""
                    INSERT INTO idempotency_keys (caller, key, fingerprint, created_at)
                    VALUES ('test', 'k1', repeat('a', 64), now())""");
        }
    }

    private static String databaseVersion(String orgId) throws SQLException {
        return queryString(serverOf(orgId).connect("results_" + orgId), """
                SELECT version FROM flyway_schema_history WHERE success AND version IS NOT NULL
                 ORDER BY string_to_array(version, '.')::int[] DESC LIMIT 1""");
    }

    private static boolean tableExists(String orgId, String table) throws SQLException {
        return queryString(serverOf(orgId).connect("results_" + orgId), "SELECT to_regclass(?)::text", table) != null;
    }

    private static int countAsTenant(String orgId, String table) throws SQLException {
        return queryInt(asTenant(orgId, serverOf(orgId), "results_" + orgId),
                "SELECT count(*) FROM " + table);
    }

    private static List<String> catalog(String orgId) throws SQLException {
        try (Connection c = serverOf(orgId).connect("results_" + orgId)) {
            return SchemaChecks.catalog(c);
        }
    }

    private static int queryInt(Connection connection, String sql, Object... params) throws SQLException {
        return Integer.parseInt(queryString(connection, sql, params));
    }

    /** The first column of the first row, or null; closes the connection. */
    private static String queryString(Connection connection, String sql, Object... params) throws SQLException {
        try (Connection c = connection; PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                s.setObject(i + 1, params[i]);
            }
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
