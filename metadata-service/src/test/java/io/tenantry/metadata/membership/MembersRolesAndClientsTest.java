package io.tenantry.metadata.membership;

import static io.tenantry.metadata.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.not;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.metadata.Api;
import io.tenantry.testing.TenantryTestServers;

@QuarkusTest
@WithTestResource(TenantryTestServers.class)
class MembersRolesAndClientsTest {

    private static final String PROBLEM = "application/problem+json";

    @Test
    void orgAdminsManageMembersAndTheirRoles() {
        String orgId = Api.createOrg();
        Api.Member admin = Api.member(orgId, "org-admin");
        String email = Api.createUser();
        String base = "/api/v1/orgs/" + orgId + "/members";
        as(admin.token()).body(Map.of("email", email.toUpperCase(), "role", "scientist")).post(base)
                .then().statusCode(201).body("email", equalTo(email)).body("role", equalTo("scientist"));
        as(admin.token()).body(Map.of("email", email, "role", "viewer")).post(base).then().statusCode(409)
                .contentType(PROBLEM);
        as(admin.token()).body(Map.of("email", "nobody-here@example.com", "role", "viewer")).post(base)
                .then().statusCode(422);
        as(admin.token()).body(Map.of("email", email, "role", "emperor")).post(base).then().statusCode(422);
        as(admin.token()).body(Map.of("email", "not-an-email", "role", "viewer")).post(base).then().statusCode(400);

        UUID userId = Api.userId(email);
        as(admin.token()).body(Map.of("role", "viewer")).patch(base + "/" + userId).then().statusCode(200)
                .body("role", equalTo("viewer"));
        as(admin.token()).body(Map.of("role", "emperor")).patch(base + "/" + userId).then().statusCode(422);
        as(admin.token()).get(base).then().statusCode(200).body("items.email", hasItems(email, admin.email()));
        as(admin.token()).delete(base + "/" + userId).then().statusCode(204);
        as(admin.token()).delete(base + "/" + userId).then().statusCode(404);
        as(admin.token()).delete(base + "/not-a-uuid").then().statusCode(400).contentType(PROBLEM);
    }

    @Test
    void theLastOrgAdminCannotLeaveOrBeDemoted() {
        String orgId = Api.createOrg();
        Api.Member admin = Api.member(orgId, "org-admin");
        UUID adminId = Api.userId(admin.email());
        String base = "/api/v1/orgs/" + orgId + "/members/";
        as(admin.token()).delete(base + adminId).then().statusCode(409).contentType(PROBLEM);
        as(admin.token()).body(Map.of("role", "viewer")).patch(base + adminId).then().statusCode(409);
        Api.Member second = Api.member(orgId, "org-admin");
        as(second.token()).delete(base + adminId).then().statusCode(204);
    }

    @Test
    void membersListsArePaginated() {
        String orgId = Api.createOrg();
        for (int i = 0; i < 3; i++) {
            Api.member(orgId, "viewer");
        }
        String base = "/api/v1/orgs/" + orgId + "/members";
        var first = as(Api.adminToken()).queryParam("limit", 2).get(base).then().statusCode(200)
                .body("items.size()", equalTo(2)).extract().jsonPath();
        as(Api.adminToken()).queryParam("limit", 2).queryParam("after", first.getString("next")).get(base)
                .then().statusCode(200).body("items.size()", equalTo(1))
                .body("items.email", not(hasItem(first.getString("items[0].email"))));
    }

    @Test
    void customRolesAreBuiltFromKnownPermissions() {
        String orgId = Api.createOrg();
        Api.Member admin = Api.member(orgId, "org-admin");
        String base = "/api/v1/orgs/" + orgId + "/roles";
        as(admin.token()).get("/api/v1/permissions").then().statusCode(200).body("$", hasItems("jobs:submit", "org:read"));
        as(admin.token()).body(Map.of("name", "auditor", "description", "Reads the audit log",
                        "permissions", List.of("org:read", "audit:read")))
                .post(base).then().statusCode(201).body("system", equalTo(false));
        as(admin.token()).get(base).then().statusCode(200).body("name", hasItems("org-admin", "viewer", "auditor"));
        as(admin.token()).body(Map.of("name", "auditor", "permissions", List.of("org:read"))).post(base)
                .then().statusCode(409);
        as(admin.token()).body(Map.of("name", "viewer", "permissions", List.of("org:read"))).post(base)
                .then().statusCode(409);
        as(admin.token()).body(Map.of("name", "godmode", "permissions", List.of("platform:everything"))).post(base)
                .then().statusCode(422).contentType(PROBLEM);
        as(admin.token()).body(Map.of("name", "Bad Name", "permissions", List.of("org:read"))).post(base)
                .then().statusCode(400);
        as(admin.token()).body(Map.of("name", "empty", "permissions", List.of())).post(base).then().statusCode(400);

        String email = Api.createUser();
        as(admin.token()).body(Map.of("email", email, "role", "auditor")).post("/api/v1/orgs/" + orgId + "/members")
                .then().statusCode(201);
        String auditorToken = Api.token(email, Api.PASSWORD, orgId);
        as(auditorToken).get("/api/v1/orgs/" + orgId + "/audit").then().statusCode(200);
        as(auditorToken).get("/api/v1/orgs/" + orgId + "/members").then().statusCode(403);

        as(admin.token()).delete(base + "/auditor").then().statusCode(409);
        as(admin.token()).delete("/api/v1/orgs/" + orgId + "/members/" + Api.userId(email)).then().statusCode(204);
        as(admin.token()).delete(base + "/auditor").then().statusCode(204);
        as(admin.token()).delete(base + "/viewer").then().statusCode(409);
        as(admin.token()).delete(base + "/nonexistent").then().statusCode(404);
    }

    @Test
    void customRolesOfOneOrganizationAreInvisibleToAnother() {
        String a = Api.createOrg();
        String b = Api.createOrg();
        as(Api.adminToken()).body(Map.of("name", "a-only", "permissions", List.of("org:read")))
                .post("/api/v1/orgs/" + a + "/roles").then().statusCode(201);
        as(Api.adminToken()).get("/api/v1/orgs/" + b + "/roles").then().statusCode(200)
                .body("name", not(hasItem("a-only")));
        as(Api.adminToken()).body(Map.of("email", Api.createUser(), "role", "a-only"))
                .post("/api/v1/orgs/" + b + "/members").then().statusCode(422);
        as(Api.adminToken()).body(Map.of("name", "robot", "role", "a-only"))
                .post("/api/v1/orgs/" + b + "/clients").then().statusCode(422);
    }

    @Test
    void clientsAreCreatedListedAndRevoked() {
        String orgId = Api.createOrg();
        Api.Member admin = Api.member(orgId, "org-admin");
        String base = "/api/v1/orgs/" + orgId + "/clients";
        String clientId = as(admin.token()).body(Map.of("name", "pipeline runner", "role", "worker")).post(base)
                .then().statusCode(201).body("role", equalTo("worker")).extract().path("clientId");
        as(admin.token()).get(base).then().statusCode(200).body("items[0].clientId", equalTo(clientId))
                .body("items[0].status", equalTo("active"));
        as(admin.token()).body(Map.of("name", "", "role", "worker")).post(base).then().statusCode(400);
        as(admin.token()).body(Map.of("name", "x".repeat(101), "role", "worker")).post(base).then().statusCode(400);
        as(admin.token()).delete(base + "/" + clientId).then().statusCode(204);
        as(admin.token()).get(base).then().statusCode(200).body("items[0].status", equalTo("revoked"));
        as(admin.token()).delete(base + "/" + UUID.randomUUID()).then().statusCode(404);
    }
}
