package io.tenantry.provisioner;

import static io.restassured.RestAssured.given;
import static io.tenantry.provisioner.ProvisionerTestSupport.asTenant;
import static io.tenantry.provisioner.ProvisionerTestSupport.fill;
import static io.tenantry.provisioner.ProvisionerTestSupport.newOrganization;
import static io.tenantry.provisioner.ProvisionerTestSupport.serverOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.smallrye.jwt.build.Jwt;
import io.tenantry.common.OrgId;
import io.tenantry.provisioner.dbhealth.FleetHealth;
import io.tenantry.provisioner.dbhealth.HealthReason;
import io.tenantry.provisioner.dbhealth.HealthSnapshot;
import io.tenantry.provisioner.dbhealth.HealthState;
import io.tenantry.provisioner.dbhealth.TenantHealth;
import io.tenantry.provisioner.reconcile.Reconciler;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.servers.PostgresEndpoint;
import io.tenantry.testing.TenantryTestServers;

@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = ProvisionerTestSupport.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.PROVISIONER_ROLE)})
class TenantHealthTest {

    private static final String ADMIN = Jwt.subject("user:admin").groups(Set.of("user", "platform-admin")).sign();

    @Inject
    Reconciler reconciler;

    @Inject
    TenantHealth health;

    private String provisioned() throws SQLException {
        String orgId = newOrganization("eu-west");
        reconciler.reconcile(orgId);
        assertEquals("active", ProvisionerTestSupport.status(orgId));
        return orgId;
    }

    private static String database(String orgId) {
        return OrgId.of(orgId).databaseName();
    }

    private static JsonPath collect(String orgId) {
        return given().auth().oauth2(ADMIN).post("/api/v1/tenants/" + orgId + "/health/collect")
                .then().statusCode(200).extract().jsonPath();
    }

    @Test
    void theFleetsTenantListCarriesEachTenantsLastHealthAndSizeAPageAtATime() throws Exception {
        String collected = provisioned();
        String notYet = provisioned();
        HealthSnapshot snapshot = health.collect(OrgId.of(collected));
        Map<String, Map<String, Object>> listed = new HashMap<>();
        String after = null;
        do {
            JsonPath page = given().auth().oauth2(ADMIN).queryParam("limit", 1)
                    .queryParams(after == null ? Map.of() : Map.of("after", after)).get("/api/v1/tenants/all")
                    .then().statusCode(200).extract().jsonPath();
            assertTrue(page.getList("items").size() <= 1);
            page.<Map<String, Object>>getList("items").forEach(t -> listed.put((String) t.get("orgId"), t));
            after = page.getString("next");
        } while (after != null);
        assertEquals(snapshot.state().wire(), listed.get(collected).get("health"));
        assertEquals(snapshot.measures().databaseBytes(), ((Number) listed.get(collected).get("databaseBytes")).longValue());
        assertEquals("active", listed.get(notYet).get("status"));
        assertNull(listed.get(notYet).get("health"), "never collected");

        String member = Jwt.subject("user:member").groups(Set.of("user")).claim("org", collected).sign();
        given().auth().oauth2(member).get("/api/v1/tenants/all").then().statusCode(403);
        given().auth().oauth2(ADMIN).queryParam("limit", 0).get("/api/v1/tenants/all").then().statusCode(400);
        given().auth().oauth2(ADMIN).queryParam("after", "not a cursor").get("/api/v1/tenants/all").then()
                .statusCode(400);
    }

    @Test
    void aDatabaseOverItsOrganizationsStorageQuotaIsDegraded() throws Exception {
        String orgId = provisioned();
        JsonPath within = collect(orgId);
        assertEquals(53_687_091_200L, within.getLong("measures.quotaBytes"), "the configured default");
        assertFalse(within.getList("reasons").contains("size_over_quota"), within.prettify());

        ProvisionerTestSupport.execute("UPDATE organizations SET max_database_bytes = 1048576 WHERE org_id = ?", orgId);
        JsonPath over = collect(orgId);
        assertEquals("degraded", over.getString("state"), over.prettify());
        assertTrue(over.getList("reasons").contains("size_over_quota"), over.prettify());
        assertEquals(1_048_576L, over.getLong("measures.quotaBytes"));
        assertTrue(over.getLong("measures.databaseBytes") > 1_048_576L);

        ProvisionerTestSupport.execute("UPDATE organizations SET max_database_bytes = NULL WHERE org_id = ?", orgId);
        assertFalse(collect(orgId).getList("reasons").contains("size_over_quota"));
    }

    @Test
    void aCollectionReportsSizesTablesAndCacheFigures() throws Exception {
        String orgId = provisioned();
        fill(serverOf(orgId), database(orgId), 500);
        given().auth().oauth2(ADMIN).get("/api/v1/tenants/" + orgId + "/health").then().statusCode(200)
                .body("state", equalTo("unknown")).body("collectedAt", equalTo(null));

        JsonPath snapshot = collect(orgId);
        assertEquals("healthy", snapshot.getString("state"), snapshot.prettify());
        assertTrue(snapshot.getLong("measures.databaseBytes") > 1_000_000, snapshot.prettify());
        Map<String, Object> results = snapshot.getMap("measures.tables.find { it.name == 'docking_results' }");
        assertNotNull(results, snapshot.prettify());
        assertTrue(((Number) results.get("totalBytes")).longValue() > ((Number) results.get("indexBytes")).longValue());
        assertTrue(((Number) results.get("indexBytes")).longValue() > 0);
        assertTrue(snapshot.getLong("measures.blocksHit") > 0, snapshot.prettify());
        assertTrue(snapshot.getDouble("measures.cacheHitRatio") > 0, snapshot.prettify());
        assertEquals(snapshot.getString("measures.recordedSchemaVersion"), snapshot.getString("measures.schemaVersion"));

        JsonPath current = given().auth().oauth2(ADMIN).get("/api/v1/tenants/" + orgId + "/health").then()
                .statusCode(200).extract().jsonPath();
        assertEquals(snapshot.getString("collectedAt"), current.getString("collectedAt"));
        assertEquals(snapshot.getLong("measures.databaseBytes"), current.getLong("measures.databaseBytes"));
        assertEquals(snapshot.getList("measures.tables.name"), current.getList("measures.tables.name"));
        collect(orgId);
        given().auth().oauth2(ADMIN).get("/api/v1/tenants/" + orgId + "/health/history").then().statusCode(200)
                .body("size()", equalTo(2)).body("[1].collectedAt", equalTo(snapshot.getString("collectedAt")));
    }

    @Test
    void aLongOpenTransactionDegradesTheTenantUntilItEnds() throws Exception {
        String orgId = provisioned();
        try (Connection open = serverOf(orgId).connect(database(orgId)); Statement s = open.createStatement()) {
            open.setAutoCommit(false);
            s.executeQuery("SELECT count(*) FROM jobs").close();
            Thread.sleep(2_500);
            HealthSnapshot degraded = health.collect(OrgId.of(orgId));
            assertEquals(HealthState.DEGRADED, degraded.state());
            assertEquals(List.of(HealthReason.LONG_TRANSACTION), degraded.reasons());
            assertTrue(degraded.measures().longestTransactionSeconds() >= 2.5, degraded.toString());
            assertTrue(degraded.measures().connections() >= 1, degraded.toString());
            open.rollback();
        }
        assertEquals(HealthState.HEALTHY, health.collect(OrgId.of(orgId)).state());
    }

    @Test
    void aSessionWaitingForALockIsALockWait() throws Exception {
        String orgId = provisioned();
        PostgresEndpoint server = serverOf(orgId);
        try (Connection holder = server.connect(database(orgId)); Statement s = holder.createStatement()) {
            holder.setAutoCommit(false);
            s.execute("LOCK TABLE jobs IN SHARE MODE");
            CompletableFuture<Void> waiter = CompletableFuture.runAsync(() -> {
                try (Connection c = server.connect(database(orgId)); Statement w = c.createStatement()) {
                    w.execute("DELETE FROM jobs");
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            });
            awaitLockWait(server, database(orgId));
            HealthSnapshot snapshot = health.collect(OrgId.of(orgId));
            assertTrue(snapshot.reasons().contains(HealthReason.LOCK_WAITS), snapshot.toString());
            assertEquals(1, snapshot.measures().lockWaits(), snapshot.toString());
            holder.rollback();
            waiter.get();
        }
    }

    @Test
    void aSlowStatementLeadsTheTopStatements() throws Exception {
        String orgId = provisioned();
        try (Connection c = asTenant(orgId, serverOf(orgId), database(orgId)); Statement s = c.createStatement()) {
            s.execute("SELECT pg_sleep(0.3)");
            s.execute("SELECT count(*) FROM jobs");
        }
        HealthSnapshot snapshot = health.collect(OrgId.of(orgId));
        assertNull(snapshot.measures().statementsUnavailable());
        HealthSnapshot.StatementStats slowest = snapshot.measures().statements().get(0);
        assertTrue(slowest.query().contains("pg_sleep"), snapshot.measures().statements().toString());
        assertTrue(slowest.meanMs() >= 300, slowest.toString());
        assertEquals(slowest.meanMs(), snapshot.measures().slowestStatementMs());
        assertTrue(snapshot.measures().statements().size() <= 5);
        assertTrue(snapshot.measures().statements().stream().noneMatch(st -> st.query().contains("pg_stat_")),
                "only the tenant role's statements, not the collector's: " + snapshot.measures().statements());
    }

    /**
     * A pass reads each server's sessions and statements for all its tenants at once: every tenant still gets its
     * own database's sessions and its own role's statements, never another tenant's.
     */
    @Test
    void aPassGivesEachTenantItsOwnSessionsAndStatements() throws Exception {
        String busy = provisioned();
        String quiet = provisioned();
        try (Connection c = asTenant(busy, serverOf(busy), database(busy)); Statement s = c.createStatement()) {
            s.execute("SELECT pg_sleep(0.3)");
        }
        try (Connection c = asTenant(quiet, serverOf(quiet), database(quiet)); Statement s = c.createStatement()) {
            s.execute("SELECT count(*) FROM jobs");
        }
        try (Connection open = serverOf(busy).connect(database(busy)); Statement s = open.createStatement()) {
            open.setAutoCommit(false);
            s.executeQuery("SELECT count(*) FROM jobs").close();
            Thread.sleep(2_500);
            Map<String, HealthSnapshot> byOrg = new HashMap<>();
            health.collectAll().forEach(snapshot -> byOrg.put(snapshot.orgId(), snapshot));
            HealthSnapshot busyOne = byOrg.get(busy);
            HealthSnapshot quietOne = byOrg.get(quiet);
            assertEquals(List.of(HealthReason.LONG_TRANSACTION), busyOne.reasons(), busyOne.toString());
            assertTrue(busyOne.measures().connections() >= 1, busyOne.toString());
            assertEquals(HealthState.HEALTHY, quietOne.state(), quietOne.toString());
            assertTrue(busyOne.measures().statements().get(0).query().contains("pg_sleep"), busyOne.toString());
            assertFalse(quietOne.measures().statements().isEmpty(), quietOne.toString());
            assertTrue(quietOne.measures().statements().stream().noneMatch(st -> st.query().contains("pg_sleep")),
                    "another tenant's statement: " + quietOne.measures().statements());
            open.rollback();
        }
    }

    @Test
    void theFleetSummaryListsTheWorstFirst() throws Exception {
        String large = provisioned();
        String small = provisioned();
        fill(serverOf(large), database(large), 30_000);
        collect(large);
        collect(small);
        JsonPath fleet = given().auth().oauth2(ADMIN).queryParam("limit", 100).get("/api/v1/health/tenants")
                .then().statusCode(200).extract().jsonPath();
        List<String> largest = fleet.getList("largest.orgId");
        assertTrue(largest.indexOf(large) >= 0 && largest.indexOf(large) < largest.indexOf(small), largest.toString());
        List<Float> bytes = fleet.getList("largest.value", Float.class);
        for (int i = 1; i < bytes.size(); i++) {
            assertTrue(bytes.get(i - 1) >= bytes.get(i), bytes.toString());
        }
        assertTrue(fleet.getLong("tenants.healthy") >= 2, fleet.prettify());
        assertTrue(fleet.getLong("databaseBytes") > 0);

        FleetHealth top = health.fleetSummary(1);
        assertEquals(1, top.largest().size());
        given().auth().oauth2(ADMIN).queryParam("limit", 0).get("/api/v1/health/tenants").then().statusCode(400)
                .contentType("application/problem+json");
        given().auth().oauth2(ADMIN).queryParam("limit", 101).get("/api/v1/health/tenants").then().statusCode(400);
    }

    @Test
    void aFailedCollectionIsThatTenantsAndTheOthersAreMeasured() throws Exception {
        String broken = provisioned();
        String fine = provisioned();
        PostgresEndpoint server = serverOf(broken);
        rename(server, database(broken), "health_test_away");
        try {
            Map<String, HealthSnapshot> byOrg = new ConcurrentHashMap<>();
            health.collectAll().forEach(s -> byOrg.put(s.orgId(), s));
            assertEquals(HealthState.UNKNOWN, byOrg.get(broken).state());
            assertNotNull(byOrg.get(broken).error());
            assertEquals(HealthState.HEALTHY, byOrg.get(fine).state());
        } finally {
            rename(server, "health_test_away", database(broken));
        }
        given().auth().oauth2(ADMIN).get("/api/v1/tenants/" + broken + "/health").then().statusCode(200)
                .body("state", equalTo("unknown")).body("error", notNullValue());
    }

    @Test
    void noMoreThanTwoCollectionsRunAtOnceOnAServer() throws Exception {
        for (int i = 0; i < 6; i++) {
            provisioned();
        }
        Map<String, Integer> most = new ConcurrentHashMap<>();
        AtomicBoolean done = new AtomicBoolean();
        CompletableFuture<List<HealthSnapshot>> pass = CompletableFuture.supplyAsync(() -> {
            try {
                return health.collectAll();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            } finally {
                done.set(true);
            }
        });
        while (!done.get()) {
            for (int server = 0; server < 2; server++) {
                most.merge("pg" + server, collectionsOn(ProvisionerTestSupport.server(server)), Math::max);
            }
        }
        assertTrue(pass.get().size() >= 6);
        assertTrue(most.values().stream().allMatch(n -> n <= 2), most.toString());
        assertTrue(most.values().stream().anyMatch(n -> n >= 1), "no collection was seen running: " + most);
    }

    @Test
    void onlyPlatformAdministratorsSeeHealthAndUnknownTenantsAreProblems() throws Exception {
        String orgId = provisioned();
        String member = Jwt.subject("user:someone").groups(Set.of("user")).claim("org", orgId).sign();
        given().auth().oauth2(member).get("/api/v1/tenants/" + orgId + "/health").then().statusCode(403);
        given().auth().oauth2(member).post("/api/v1/tenants/" + orgId + "/health/collect").then().statusCode(403);
        given().auth().oauth2(member).get("/api/v1/health/tenants").then().statusCode(403);
        given().get("/api/v1/health/tenants").then().statusCode(401);
        given().auth().oauth2(ADMIN).get("/api/v1/tenants/nobody_here/health").then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));
        given().auth().oauth2(ADMIN).post("/api/v1/tenants/nobody_here/health/collect").then().statusCode(404)
                .contentType("application/problem+json");
        given().auth().oauth2(ADMIN).get("/api/v1/tenants/Not-An-Org/health").then().statusCode(400)
                .contentType("application/problem+json");
    }

    @Test
    void theNamedMetricsAreExported() throws Exception {
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("tenantry_tenant_health_tenants{state=\"unknown\"}"))
                .body(containsString("tenantry_tenant_health_degraded{reason=\"size_over_quota\"}"))
                .body(containsString("tenantry_tenant_databases_bytes"));
        String orgId = provisioned();
        try (Connection c = asTenant(orgId, serverOf(orgId), database(orgId)); Statement s = c.createStatement()) {
            s.execute("SELECT count(*) FROM jobs");
        }
        collect(orgId);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String series : List.of("tenantry_tenant_health_tenants{state=\"healthy\"}",
                "tenantry_tenant_health_tenants{state=\"degraded\"}",
                "tenantry_tenant_health_degraded{reason=\"long_transaction\"}",
                "tenantry_tenant_health_degraded{reason=\"lock_waits\"}",
                "tenantry_tenant_health_collections_total{outcome=\"success\"}",
                "tenantry_tenant_health_collections_total{outcome=\"failure\"}",
                "tenantry_tenant_health_collection_seconds_bucket{",
                "tenantry_tenant_health_collection_seconds_count",
                "tenantry_tenant_databases_bytes ",
                "tenantry_tenant_top_bytes{org_id=",
                "tenantry_tenant_top_statement_seconds{org_id=")) {
            assertTrue(metrics.contains(series), series + " missing from /q/metrics");
        }
        assertTrue(metrics.contains("rank=\"1\""));
        assertTrue(metrics.lines().filter(l -> l.startsWith("tenantry_tenant_top_bytes{")).count() <= 10);
        given().get("/q/metrics").then().body(containsString("tenantry_tenant_top_bytes{org_id=\""));
    }

    private static int collectionsOn(PostgresEndpoint server) {
        try (Connection c = server.connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tenantry-health'"
                     + " AND datname LIKE 'results\\_%'")) {
            rs.next();
            return rs.getInt(1);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void awaitLockWait(PostgresEndpoint server, String database) throws Exception {
        for (int i = 0; i < 100; i++) {
            try (Connection c = server.connect("postgres"); Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                         + " AND datname = '" + database + "'")) {
                rs.next();
                if (rs.getInt(1) > 0) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no session waited for the lock");
    }

    private static void rename(PostgresEndpoint server, String from, String to) throws SQLException {
        try (Connection c = server.connect("postgres"); Statement s = c.createStatement()) {
            s.execute("ALTER DATABASE \"" + from + "\" RENAME TO \"" + to + "\"");
        }
    }
}
