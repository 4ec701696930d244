package io.tenantry.provisioner;

import static io.restassured.RestAssured.given;
import static io.tenantry.provisioner.ProvisionerTestSupport.fill;
import static io.tenantry.provisioner.ProvisionerTestSupport.newOrganization;
import static io.tenantry.provisioner.ProvisionerTestSupport.queryString;
import static io.tenantry.provisioner.ProvisionerTestSupport.registry;
import static io.tenantry.provisioner.ProvisionerTestSupport.server;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.build.Jwt;
import io.tenantry.provisioner.move.FleetMoves;
import io.tenantry.provisioner.move.MoveView;
import io.tenantry.provisioner.move.Moves;
import io.tenantry.provisioner.placement.ServerStates;
import io.tenantry.provisioner.reconcile.Reconciler;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.TenantryTestServers;

/**
 * Many moves at once, on servers of this test's own: draining a server, evening out a region by size, and a move
 * to another region, which takes the organization's region along.
 */
@QuarkusTest
@TestProfile(DrainAndRebalanceTest.ThirdServerInAnotherRegion.class)
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "3"),
        @ResourceArg(name = "metadata-migrations", value = ProvisionerTestSupport.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.PROVISIONER_ROLE)})
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DrainAndRebalanceTest {

    private static final String ADMIN = Jwt.subject("user:admin").groups(Set.of("user", "platform-admin")).sign();

    /** pg0 and pg1 in eu-west as in every test; pg2 in us-east. */
    public static class ThirdServerInAnotherRegion implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of(
                    "tenantry.provisioner.servers.pg2.jdbc-url",
                    "jdbc:postgresql://${tenantry.test.postgres.2.host}:${tenantry.test.postgres.2.port}/postgres",
                    "tenantry.provisioner.servers.pg2.admin-user", "postgres",
                    "tenantry.provisioner.servers.pg2.region", "us-east");
        }
    }

    @Inject
    Reconciler reconciler;

    @Inject
    Moves moves;

    @Inject
    FleetMoves fleet;

    @Inject
    ServerStates states;

    @Test
    @Order(1)
    void aDrainMovesEveryTenantOffAndClosesTheServerToNewOnes() throws Exception {
        List<String> orgs = tenantsOn("pg0", 3);
        given().auth().oauth2(ADMIN).post("/api/v1/servers/pg0/drain").then().statusCode(202)
                .body("closed", equalTo(true));
        try {
            ProvisionerTestSupport.awaitMoves(moves, Duration.ofMinutes(3), "every tenant left pg0", () -> orgs.stream()
                    .allMatch(org -> "pg1".equals(registryQuietly(org))));
            given().auth().oauth2(ADMIN).get("/api/v1/servers").then().statusCode(200)
                    .body("find { it.name == 'pg0' }.closed", equalTo(true))
                    .body("find { it.name == 'pg0' }.tenants", equalTo(0));
            String newcomer = newOrganization("eu-west");
            reconciler.reconcile(newcomer);
            assertEquals("pg1", registry("server", newcomer), "a closed server takes no new tenant");
            ProvisionerTestSupport.awaitMoves(moves, Duration.ofMinutes(1), "the drain's moves finished", () -> orgs.stream()
                    .allMatch(org -> moves.list(org).stream().allMatch(MoveView::finished)));
            for (String org : orgs) {
                assertEquals("done", moves.list(org).get(0).step(), org);
            }
        } finally {
            given().auth().oauth2(ADMIN).post("/api/v1/servers/pg0/open").then().statusCode(200)
                    .body("closed", equalTo(false));
        }
    }

    @Test
    @Order(3)
    void aRebalanceEvensOutARegionBySizeAndShowsItsPlanFirst() throws Exception {
        List<String> heavy = tenantsOn("pg1", 3);
        for (String org : heavy) {
            fill(server(1), "results_" + org, 150_000);
        }
        FleetMoves.RebalancePlan plan = fleet.rebalance("eu-west", false, "user:test");
        assertTrue(!plan.moves().isEmpty() && plan.moves().stream().allMatch(m -> "pg0".equals(m.to())),
                "the plan moves from the fuller server to the emptier: " + plan);
        long gapBefore = Math.abs(plan.bytesBefore().get("pg0") - plan.bytesBefore().get("pg1"));
        long gapAfter = Math.abs(plan.bytesAfter().get("pg0") - plan.bytesAfter().get("pg1"));
        assertTrue(gapAfter < gapBefore, "the plan evens the servers out: " + plan);
        assertEquals("pg1", registry("server", plan.moves().get(0).orgId()), "a dry run moves nothing");

        given().auth().oauth2(ADMIN).contentType("application/json").body(Map.of("region", "eu-west"))
                .post("/api/v1/servers/rebalance").then().statusCode(202).body("applied", equalTo(true));
        String moved = plan.moves().get(0).orgId();
        ProvisionerTestSupport.awaitMoves(moves, Duration.ofMinutes(3), "the planned move ran",
                () -> moves.list(moved).stream().anyMatch(m -> "done".equals(m.step())));
        assertEquals("pg0", registry("server", moved));
    }

    @Test
    @Order(2)
    void aMoveToAnotherRegionTakesTheOrganizationThere() throws Exception {
        String orgId = newOrganization("eu-west");
        reconciler.reconcile(orgId);
        MoveView move = moves.request(orgId, null, "us-east", "user:test");
        assertEquals("pg2", move.targetServer());
        ProvisionerTestSupport.awaitMoves(moves, Duration.ofMinutes(2), "the move ended", () -> moves.view(orgId, move.id()).finished());
        assertEquals("done", moves.view(orgId, move.id()).step(), moves.view(orgId, move.id()).error());
        assertEquals("us-east", queryString("SELECT region FROM organizations WHERE org_id = ?", orgId));
        assertEquals("1", queryString("""
                SELECT count(*)::text FROM audit_log WHERE org_id = ? AND action = 'organization.region-changed'""",
                orgId));
    }

    /** New tenants, all placed on {@code server} (the other eu-west server closed meanwhile). */
    private List<String> tenantsOn(String server, int count) throws SQLException {
        String other = "pg0".equals(server) ? "pg1" : "pg0";
        states.close(other, "test", "test");
        try {
            List<String> orgs = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String orgId = newOrganization("eu-west");
                assertTrue(reconciler.reconcile(orgId));
                assertEquals(server, registry("server", orgId));
                orgs.add(orgId);
            }
            return orgs;
        } finally {
            states.open(other, "test");
        }
    }

    private static String registryQuietly(String orgId) {
        try {
            return registry("server", orgId);
        } catch (SQLException e) {
            return null;
        }
    }
}
