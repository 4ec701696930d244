package io.tenantry.results;

import static io.restassured.RestAssured.given;
import static io.tenantry.results.Api.as;
import static io.tenantry.results.Api.report;
import static io.tenantry.results.Api.step;
import static io.tenantry.results.Api.submit;
import static io.tenantry.results.Api.take;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import io.tenantry.common.OrgId;
import io.tenantry.results.queue.JobQueue;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.TenantryTestServers;

/**
 * Organization A's tokens against organization B's data, on every endpoint: B's paths, and B's ids under A's own
 * path. Each answers 404, as if B's data did not exist, and B's data is left exactly as it was. Within one
 * organization, permissions and job holding are enforced too; and one tenant's database role opens nothing but
 * its own database.
 */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = Platform.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.RESULTS_ROLE)})
class TenantIsolationTest {

    private static final List<String> EVERY_PERMISSION = List.of("jobs:read", "jobs:submit", "jobs:cancel",
            "jobs:work", "results:read");

    private static List<String> orgs;
    private static String orgA;
    private static String orgB;
    private static Endpoints.Ids idsOfB;
    private static Endpoints.Ids idsOfA;

    @Inject
    RedisDataSource redis;

    @BeforeAll
    static void organizations() throws Exception {
        orgs = Platform.tenants(3);
        orgA = orgs.get(0);
        orgB = orgs.get(1);
    }

    /** Once, but per test, because the API's port is known only once the first test runs. */
    @BeforeEach
    void dataInBothOrganizations() throws SQLException {
        if (idsOfB == null) {
            idsOfB = busyJob(orgB);
            idsOfA = busyJob(orgA);
        }
    }

    /** A running job held by the organization's worker, with an execution, a task result and a docking result. */
    private static Endpoints.Ids busyJob(String orgId) throws SQLException {
        UUID molecule = Platform.molecules(orgId, 1).get(0);
        String client = Platform.client(orgId);
        String worker = Platform.worker(orgId);
        String jobId = submit(orgId, client, Api.job(List.of(molecule)));
        assertEquals(jobId, take(orgId, worker, "w"));
        step(orgId, worker, jobId, 0, "w", "running").then().statusCode(200);
        report(orgId, worker, jobId, "steps/0/results", Map.of("worker", "w", "data", Map.of("k", 1)))
                .then().statusCode(201);
        report(orgId, worker, jobId, "docking-results", Map.of("worker", "w", "results",
                List.of(Map.of("moleculeId", molecule, "score", -8.5, "poses", List.of())))).then().statusCode(201);
        submit(orgId, client, Api.job(3));
        String executionId = as(client).get("/api/v1/orgs/" + orgId + "/jobs/" + jobId + "/executions").then()
                .statusCode(200).extract().path("items[0].id");
        return new Endpoints.Ids(jobId, executionId, molecule);
    }

    @Test
    void organizationATokensGetNotFoundOnEveryEndpointOfOrganizationB() throws Exception {
        Map<String, String> before = snapshot(orgB);
        List<String> tokensOfA = List.of(Platform.client(orgA), Platform.worker(orgA),
                Platform.token(orgA, EVERY_PERMISSION, "client:" + UUID.randomUUID()));
        for (Endpoints.Endpoint endpoint : Endpoints.ALL) {
            for (String token : tokensOfA) {
                endpoint.call(token, orgB, idsOfB).then().statusCode(404).contentType("application/problem+json");
            }
        }
        assertEquals(before, snapshot(orgB), "organization B's data is untouched");
    }

    @Test
    void organizationBsIdsUnderOrganizationAsPathAreNotFound() throws Exception {
        Map<String, String> before = snapshot(orgB);
        String all = Platform.token(orgA, EVERY_PERMISSION, "client:" + UUID.randomUUID());
        for (Endpoints.Endpoint endpoint : Endpoints.ALL) {
            if (!endpoint.path().contains("{jobId}")) {
                continue;
            }
            endpoint.call(all, orgA, idsOfB).then().statusCode(404).contentType("application/problem+json");
            // A's own job with B's execution id: the execution is looked up in A's database only.
            if (endpoint.path().contains("{executionId}")) {
                endpoint.call(all, orgA, new Endpoints.Ids(idsOfA.jobId(), idsOfB.executionId(), idsOfA.moleculeId()))
                        .then().statusCode(404).contentType("application/problem+json");
            }
        }
        as(all).get("/api/v1/orgs/" + orgA + "/docking-results?moleculeId=" + idsOfB.moleculeId()).then()
                .statusCode(200).body("items.size()", equalTo(0));
        assertEquals(before, snapshot(orgB), "organization B's data is untouched");
    }

    @Test
    void withinAnOrganizationEachActionNeedsItsPermission() {
        String viewer = Platform.viewer(orgB);
        String client = Platform.client(orgB);
        for (Endpoints.Endpoint endpoint : Endpoints.ALL) {
            boolean reads = endpoint.method().equals("GET");
            if (!reads) {
                endpoint.call(viewer, orgB, idsOfB).then().statusCode(403).contentType("application/problem+json");
            }
            if (endpoint.caller() == Endpoints.Caller.WORKER) {
                endpoint.call(client, orgB, idsOfB).then().statusCode(403).contentType("application/problem+json");
            }
        }
        String noPermissions = Platform.token(orgB, List.of(), "user:" + UUID.randomUUID());
        as(noPermissions).get("/api/v1/orgs/" + orgB + "/jobs").then().statusCode(403);
    }

    @Test
    void aWorkerActsOnlyOnTheJobItHolds() {
        String otherWorker = Platform.worker(orgB);
        for (Endpoints.Endpoint endpoint : Endpoints.ALL) {
            if (endpoint.caller() == Endpoints.Caller.WORKER && endpoint.path().contains("{jobId}")) {
                endpoint.call(otherWorker, orgB, idsOfB).then().statusCode(409).contentType("application/problem+json");
            }
        }
    }

    @Test
    void requestsWithoutAValidTokenAreUnauthorized() {
        String foreignIssuer = Jwt.issuer("https://evil.example").subject("client:x").claim("org", orgB)
                .claim("permissions", EVERY_PERMISSION).sign();
        String expired = Jwt.issuer("https://tenantry.io/metadata").subject("client:x").claim("org", orgB)
                .claim("permissions", EVERY_PERMISSION).issuedAt(1_000_000L).expiresAt(1_000_100L).sign();
        for (Endpoints.Endpoint endpoint : Endpoints.ALL) {
            for (String token : new String[] {null, "garbage", foreignIssuer, expired}) {
                endpoint.call(token, orgB, idsOfB).then().statusCode(401).contentType("application/problem+json");
            }
        }
    }

    @Test
    void everyEndpointIsListed() {
        Set<String> served = new TreeSet<>();
        Map<String, Map<String, Object>> paths = given().get("/q/openapi?format=json").then().statusCode(200)
                .extract().path("paths");
        paths.forEach((path, operations) -> operations.keySet().forEach(method -> {
            if (path.startsWith("/api/")) {
                served.add(method.toUpperCase() + " " + path);
            }
        }));
        Set<String> listed = new TreeSet<>();
        for (Endpoints.Endpoint endpoint : Endpoints.ALL) {
            listed.add(endpoint.method() + " " + endpoint.path().replaceAll("\\?.*", "")
                    .replace("/steps/0", "/steps/{stepIndex}"));
        }
        assertEquals(served, listed);
    }

    @Test
    void aTenantsDatabaseRoleOpensOnlyItsOwnDatabase() throws SQLException {
        // Three tenants on two servers: at least two share one.
        String first = null;
        String neighbour = null;
        for (String x : orgs) {
            for (String y : orgs) {
                if (!x.equals(y) && Platform.server(x).equals(Platform.server(y))) {
                    first = x;
                    neighbour = y;
                }
            }
        }
        try (Connection own = Platform.asTenantRole(first, OrgId.of(first).databaseName())) {
            assertTrue(own.isValid(2));
        }
        for (String elsewhere : List.of(OrgId.of(neighbour).databaseName(), "postgres", "template1")) {
            String role = first;
            SQLException refused = assertThrows(SQLException.class, () -> Platform.asTenantRole(role, elsewhere).close());
            assertTrue(refused.getMessage().contains("permission denied for database"), refused.getMessage());
        }
    }

    /** What organization B has: row counts of every table, its jobs' states, and its queue. */
    private Map<String, String> snapshot(String orgId) throws SQLException {
        Map<String, String> state = new LinkedHashMap<>();
        for (String table : List.of("jobs", "task_executions", "task_results", "job_events", "docking_results")) {
            state.put(table, Platform.tenantQuery(orgId, "SELECT count(*) FROM " + table));
        }
        state.put("job states", Platform.tenantQuery(orgId,
                "SELECT string_agg(id || ':' || status || ':' || version, ',' ORDER BY id) FROM jobs"));
        List<String> queue = new ArrayList<>();
        for (int priority = 0; priority <= 9; priority++) {
            queue.add(Long.toString(redis.stream(String.class).xlen(JobQueue.streamKey(orgId, priority))));
        }
        state.put("queue", String.join(",", queue));
        return state;
    }
}
