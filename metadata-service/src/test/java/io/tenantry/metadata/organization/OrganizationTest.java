package io.tenantry.metadata.organization;

import static io.restassured.RestAssured.given;
import static io.tenantry.metadata.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.hamcrest.Matchers.startsWith;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tenantry.metadata.Api;
import io.tenantry.testing.TenantryTestServers;

@QuarkusTest
@WithTestResource(TenantryTestServers.class)
class OrganizationTest {

    private static final String PROBLEM = "application/problem+json";

    @Test
    void onboardingRecordsTheDesiredStateAndAnswers202WithALocation() {
        String orgId = Api.unique("acme");
        as(Api.adminToken())
                .body(Map.of("orgId", orgId, "displayName", "Acme Labs", "region", "eu-west",
                        "quotas", Map.of("maxQueuedJobs", 50, "maxJobsPerDay", 500)))
                .post("/api/v1/orgs").then().statusCode(202)
                .header("Location", endsWith("/api/v1/orgs/" + orgId))
                .body("status", equalTo("requested"))
                .body("desiredState", equalTo("active"))
                .body("quotas.maxQueuedJobs", equalTo(50))
                .body("version", equalTo(0));
        as(Api.adminToken()).get("/api/v1/orgs/" + orgId).then().statusCode(200)
                .body("displayName", equalTo("Acme Labs")).body("region", equalTo("eu-west"));
    }

    @Test
    void organizationIdsAreNeverReused() {
        String orgId = Api.createOrg();
        as(Api.adminToken()).body(Map.of("orgId", orgId, "displayName", "Again", "region", "eu-west"))
                .post("/api/v1/orgs").then().statusCode(409).contentType(PROBLEM);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "Acme", "1acme", "acme-labs", "acme; DROP DATABASE x", "x\"; DROP ROLE postgres; --",
            "acme' OR '1'='1", "select", "postgres", "pg_catalog", "results_a/../b",
            "a123456789012345678901234567890123456789x"})
    void invalidOrganizationIdsAreRefusedWith400(String orgId) {
        as(Api.adminToken()).body(Map.of("orgId", orgId, "displayName", "Bad", "region", "eu-west"))
                .post("/api/v1/orgs").then().statusCode(400).contentType(PROBLEM).body("status", equalTo(400));
    }

    @Test
    void badBodiesGet400ProblemsNeverA500() throws IOException {
        String token = Api.adminToken();
        as(token).body("{\"orgId\": ").post("/api/v1/orgs").then().statusCode(400).contentType(PROBLEM)
                .body("detail", equalTo("the request body is not valid JSON"));
        as(token).body(Map.of("orgId", "okname", "displayName", "X", "region", "eu-west",
                        "quotas", Map.of("maxQueuedJobs", "many", "maxJobsPerDay", 1)))
                .post("/api/v1/orgs").then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", equalTo("quotas.maxQueuedJobs"));
        as(token).body(Map.of("orgId", "okname", "displayName", "x".repeat(201), "region", "eu-west"))
                .post("/api/v1/orgs").then().statusCode(400).body("errors.field", hasItem("displayName"));
        as(token).body(Map.of("orgId", "okname", "displayName", "X", "region", "EU WEST"))
                .post("/api/v1/orgs").then().statusCode(400).body("errors.field", hasItem("region"));
        as(token).body(Map.of("orgId", "okname", "displayName", "X", "region", "eu-west", "extra", true))
                .post("/api/v1/orgs").then().statusCode(400).body("detail", equalTo("unknown field 'extra'"));
        as(token).body(Map.of("orgId", "okname", "displayName", "X", "region", "eu-west",
                        "quotas", Map.of("maxQueuedJobs", 0, "maxJobsPerDay", 1)))
                .post("/api/v1/orgs").then().statusCode(400).body("errors.field", hasItem("quotas.maxQueuedJobs"));
        as(token).body("[]").post("/api/v1/orgs").then().statusCode(400).contentType(PROBLEM);
        as(token).contentType("text/plain").body("hello").post("/api/v1/orgs").then().statusCode(415)
                .contentType(PROBLEM);
        as(token).get("/api/v1/orgs?limit=201").then().statusCode(400).contentType(PROBLEM);
        as(token).get("/api/v1/orgs?limit=abc").then().statusCode(400).contentType(PROBLEM);
        as(token).get("/api/v1/orgs?after=%%%").then().statusCode(400).contentType(PROBLEM);
        as(token).get("/api/v1/orgs?status=sleeping").then().statusCode(400).contentType(PROBLEM);
        as(token).get("/api/v1/orgs/" + Api.unique("missing")).then().statusCode(404).contentType(PROBLEM);
        assertEquals(413, statusOfAnnouncedOversizedBody(token, 2_000_000));
        as(token).delete("/api/v1/orgs").then().statusCode(405).contentType(PROBLEM);
    }

    /**
     * The HTTP layer refuses on the Content-Length alone, before any handler, and closes the connection: a client
     * still sending the body then fails with a broken pipe, so the body is announced and never sent.
     */
    private static int statusOfAnnouncedOversizedBody(String token, int length) throws IOException {
        try (Socket socket = new Socket(URI.create(RestAssured.baseURI).getHost(), RestAssured.port)) {
            socket.setSoTimeout(10_000);
            String head = "POST /api/v1/orgs HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/json\r\nContent-Length: " + length + "\r\n\r\n";
            socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String statusLine = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII)).readLine();
            return Integer.parseInt(statusLine.split(" ")[1]);
        }
    }

    @Test
    void onlyPlatformAdminsOnboard() {
        String orgId = Api.createOrg();
        Api.Member admin = Api.member(orgId, "org-admin");
        as(admin.token()).body(Map.of("orgId", Api.unique("mine"), "displayName", "Mine", "region", "eu-west"))
                .post("/api/v1/orgs").then().statusCode(403).contentType(PROBLEM);
        given().contentType("application/json").body(Map.of("orgId", "anon_org", "displayName", "A", "region", "x"))
                .post("/api/v1/orgs").then().statusCode(401).contentType(PROBLEM);
    }

    @Test
    void listsAreKeysetPaginatedAndFiltered() {
        String region = "r" + Api.unique("").replace("_", "").substring(0, 8);
        Set<String> created = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            String orgId = Api.unique("page");
            created.add(orgId);
            as(Api.adminToken()).body(Map.of("orgId", orgId, "displayName", "P", "region", region))
                    .post("/api/v1/orgs").then().statusCode(202);
        }
        Set<String> seen = new HashSet<>();
        String next = null;
        int pages = 0;
        do {
            var request = as(Api.adminToken()).queryParam("region", region).queryParam("limit", 2);
            if (next != null) {
                request.queryParam("after", next);
            }
            var page = request.get("/api/v1/orgs").then().statusCode(200)
                    .body("items.region", everyItem(equalTo(region))).extract().jsonPath();
            List<String> ids = page.getList("items.orgId");
            seen.addAll(ids);
            next = page.getString("next");
            pages++;
        } while (next != null);
        org.junit.jupiter.api.Assertions.assertEquals(created, seen);
        org.junit.jupiter.api.Assertions.assertEquals(3, pages);
        as(Api.adminToken()).queryParam("region", region).queryParam("status", "active").get("/api/v1/orgs")
                .then().statusCode(200).body("items", hasSize(0)).body("next", nullValue());
    }

    @Test
    void membersSeeOnlyTheirOwnOrganizationsInTheList() {
        String mine = Api.createOrg();
        String other = Api.createOrg();
        Api.Member viewer = Api.member(mine, "viewer");
        as(viewer.token()).get("/api/v1/orgs").then().statusCode(200)
                .body("items.orgId", hasItem(mine)).body("items.orgId", not(hasItem(other)));
    }

    @Test
    void updatesUseOptimisticLockingAndQuotasBelongToPlatformAdmins() {
        String orgId = Api.createOrg();
        Api.Member admin = Api.member(orgId, "org-admin");
        as(admin.token()).body(Map.of("displayName", "Renamed", "version", 0))
                .patch("/api/v1/orgs/" + orgId).then().statusCode(200)
                .body("displayName", equalTo("Renamed")).body("version", equalTo(1));
        as(admin.token()).body(Map.of("displayName", "Stale", "version", 0))
                .patch("/api/v1/orgs/" + orgId).then().statusCode(409).contentType(PROBLEM);
        as(admin.token()).body(Map.of("quotas", Map.of("maxQueuedJobs", 5, "maxJobsPerDay", 5), "version", 1))
                .patch("/api/v1/orgs/" + orgId).then().statusCode(403);
        as(Api.adminToken()).body(Map.of("quotas", Map.of("maxQueuedJobs", 5, "maxJobsPerDay", 7), "version", 1))
                .patch("/api/v1/orgs/" + orgId).then().statusCode(200).body("quotas.maxJobsPerDay", equalTo(7))
                .body("quotas.maxRequestsPerSecond", nullValue());
        as(Api.adminToken()).body(Map.of("quotas", Map.of("maxQueuedJobs", 5, "maxJobsPerDay", 7,
                        "maxRequestsPerSecond", 20, "maxConcurrentRequests", 4), "version", 2))
                .patch("/api/v1/orgs/" + orgId).then().statusCode(200).body("quotas.maxRequestsPerSecond", equalTo(20))
                .body("quotas.maxConcurrentRequests", equalTo(4));
        as(Api.adminToken()).body(Map.of("quotas", Map.of("maxQueuedJobs", 5, "maxJobsPerDay", 7,
                        "maxRequestsPerSecond", 0), "version", 3))
                .patch("/api/v1/orgs/" + orgId).then().statusCode(400);
        as(Api.adminToken()).body(Map.of("quotas", Map.of("maxQueuedJobs", 5, "maxJobsPerDay", 7,
                        "maxDatabaseBytes", 1024), "version", 3))
                .patch("/api/v1/orgs/" + orgId).then().statusCode(400).contentType(PROBLEM)
                .body("errors[0].field", containsString("maxDatabaseBytes"));
        as(Api.adminToken()).body(Map.of("quotas", Map.of("maxQueuedJobs", 5, "maxJobsPerDay", 7,
                        "maxDatabaseBytes", 10_737_418_240L), "version", 3))
                .patch("/api/v1/orgs/" + orgId).then().statusCode(200)
                .body("quotas.maxDatabaseBytes", equalTo(10_737_418_240L))
                .body("quotas.maxRequestsPerSecond", nullValue());
        as(admin.token()).body(Map.of("displayName", "No version"))
                .patch("/api/v1/orgs/" + orgId).then().statusCode(400);
    }

    @Test
    void lifecycleRequestsRecordTheDesiredStateAndRefuseIllegalMoves() {
        String orgId = Api.createOrg();
        String token = Api.adminToken();
        report(orgId, "active").then().statusCode(409).contentType(PROBLEM);
        report(orgId, "provisioning").then().statusCode(200).body("status", equalTo("provisioning"));
        report(orgId, "active").then().statusCode(200).body("status", equalTo("active"));

        as(token).post("/api/v1/orgs/" + orgId + "/resume").then().statusCode(409);
        as(token).post("/api/v1/orgs/" + orgId + "/suspend").then().statusCode(202)
                .body("desiredState", equalTo("suspended")).body("status", equalTo("active"));
        as(token).post("/api/v1/orgs/" + orgId + "/suspend").then().statusCode(409);
        report(orgId, "suspended").then().statusCode(200);
        as(token).post("/api/v1/orgs/" + orgId + "/resume").then().statusCode(202)
                .body("desiredState", equalTo("active"));
        report(orgId, "active").then().statusCode(200);

        as(token).delete("/api/v1/orgs/" + orgId).then().statusCode(202).body("desiredState", equalTo("deleted"));
        as(token).post("/api/v1/orgs/" + orgId + "/resume").then().statusCode(409);
        report(orgId, "deleting").then().statusCode(200);
        report(orgId, "deleted").then().statusCode(200).body("status", equalTo("deleted"));
        report(orgId, "active").then().statusCode(409);
        as(token).body(Map.of("status", "asleep")).put("/api/v1/orgs/" + orgId + "/status").then().statusCode(400);

        Api.Member admin = Api.member(Api.createOrg(), "org-admin");
        as(admin.token()).post("/api/v1/orgs/" + orgId + "/suspend").then().statusCode(403);
    }

    @Test
    void failedProvisioningKeepsItsReason() {
        String orgId = Api.createOrg();
        report(orgId, "provisioning").then().statusCode(200);
        as(Api.adminToken()).body(Map.of("status", "failed", "reason", "server pg1 is full"))
                .put("/api/v1/orgs/" + orgId + "/status").then().statusCode(200)
                .body("status", equalTo("failed")).body("statusReason", equalTo("server pg1 is full"));
        as(Api.adminToken()).get("/api/v1/audit?orgId=" + orgId + "&action=organization.status-changed")
                .then().statusCode(200).body("items[0].details.reason", equalTo("server pg1 is full"))
                .body("items[0].requestId", notNullValue());
    }

    @Test
    void statusReportsFollowTheDatabasesTransitionTable() {
        String orgId = Api.createOrg();
        report(orgId, "active").then().statusCode(409).contentType(PROBLEM).body("detail", equalTo("organization '"
                + orgId + "' cannot go from requested to active; allowed: deleting, failed, provisioning"));
        report(orgId, "provisioning").then().statusCode(200)
                .body("status", equalTo("provisioning")).body("version", equalTo(1));
        report(orgId, "provisioning").then().statusCode(200).body("version", equalTo(1));
        as(Api.adminToken()).get("/api/v1/audit?orgId=" + orgId + "&action=organization.status-changed")
                .then().statusCode(200).body("items", hasSize(1))
                .body("items[0].details.from", equalTo("requested")).body("items[0].details.to", equalTo("provisioning"))
                .body("items[0].actor", startsWith("user:"));
        String missing = Api.unique("missing");
        report(missing, "provisioning").then().statusCode(404).contentType(PROBLEM)
                .body("detail", equalTo("organization '" + missing + "' not found"));
    }

    private static io.restassured.response.Response report(String orgId, String status) {
        return as(Api.adminToken()).body(Map.of("status", status)).put("/api/v1/orgs/" + orgId + "/status");
    }
}
