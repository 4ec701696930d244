package io.tenantry.metadata.security;

import static io.tenantry.metadata.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.oneOf;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.tenantry.metadata.Api;
import io.tenantry.testing.TenantryTestServers;

/**
 * Broken object-level authorization is the classic failure of multi-tenant APIs: these tests send an
 * organization A caller at every organization B endpoint, and check that B's data is unchanged.
 */
@QuarkusTest
@WithTestResource(TenantryTestServers.class)
class TenantIsolationTest {

    record Call(String method, String path, Object body) {
    }

    static List<Call> organizationEndpoints(String orgId, UUID someUser, UUID someClient) {
        String base = "/api/v1/orgs/" + orgId;
        return List.of(
                new Call("GET", base, null),
                new Call("PATCH", base, Map.of("displayName", "Hijacked", "version", 0)),
                new Call("POST", base + "/suspend", null),
                new Call("POST", base + "/resume", null),
                new Call("DELETE", base, null),
                new Call("PUT", base + "/status", Map.of("status", "provisioning")),
                new Call("GET", base + "/members", null),
                new Call("POST", base + "/members", Map.of("email", Api.ADMIN_EMAIL, "role", "viewer")),
                new Call("PATCH", base + "/members/" + someUser, Map.of("role", "viewer")),
                new Call("DELETE", base + "/members/" + someUser, null),
                new Call("GET", base + "/roles", null),
                new Call("POST", base + "/roles", Map.of("name", "spy", "permissions", List.of("org:read"))),
                new Call("DELETE", base + "/roles/viewer", null),
                new Call("GET", base + "/clients", null),
                new Call("POST", base + "/clients", Map.of("name", "spy", "role", "viewer")),
                new Call("DELETE", base + "/clients/" + someClient, null),
                new Call("GET", base + "/audit", null));
    }

    @Test
    void anOrgAdminOfAReachesNothingOfB() {
        String a = Api.createOrg();
        String b = Api.createOrg();
        Api.Member adminOfA = Api.member(a, "org-admin");
        Api.Member adminOfB = Api.member(b, "org-admin");
        UUID memberOfB = Api.userId(adminOfB.email());
        UUID clientOfB = UUID.fromString(as(Api.adminToken()).body(Map.of("name", "b-robot", "role", "viewer"))
                .post("/api/v1/orgs/" + b + "/clients").then().statusCode(201).extract().path("clientId"));

        for (Call call : organizationEndpoints(b, memberOfB, clientOfB)) {
            send(adminOfA.token(), call).then().statusCode(oneOf(403, 404))
                    .contentType("application/problem+json");
        }
        as(Api.adminToken()).get("/api/v1/orgs/" + b).then().statusCode(200)
                .body("displayName", equalTo("Org " + b)).body("desiredState", equalTo("active"))
                .body("status", equalTo("requested"));
        as(adminOfB.token()).get("/api/v1/orgs/" + b + "/members").then().statusCode(200)
                .body("items.size()", equalTo(1));
        as(adminOfB.token()).get("/api/v1/orgs/" + b + "/clients").then().statusCode(200)
                .body("items[0].status", equalTo("active"));
    }

    @Test
    void aNonMemberGets404SoExistenceIsNotRevealed() {
        String b = Api.createOrg();
        Api.Member outsider = Api.member(Api.createOrg(), "org-admin");
        as(outsider.token()).get("/api/v1/orgs/" + b).then().statusCode(404);
        as(outsider.token()).get("/api/v1/orgs/" + Api.unique("nosuch")).then().statusCode(404);
    }

    @Test
    void anApiClientOfAReachesNothingOfB() {
        String a = Api.createOrg();
        String b = Api.createOrg();
        var client = as(Api.adminToken()).body(Map.of("name", "robot", "role", "org-admin"))
                .post("/api/v1/orgs/" + a + "/clients").then().statusCode(201).extract().jsonPath();
        String token = io.restassured.RestAssured.given().contentType(io.restassured.http.ContentType.URLENC)
                .header("X-Forwarded-For", Api.freshAddress())
                .formParam("grant_type", "client_credentials")
                .formParam("client_id", client.getString("clientId"))
                .formParam("client_secret", client.getString("clientSecret"))
                .post("/api/v1/auth/token").then().statusCode(200).extract().path("access_token");
        as(token).get("/api/v1/orgs/" + a + "/members").then().statusCode(200);
        for (Call call : organizationEndpoints(b, UUID.randomUUID(), UUID.randomUUID())) {
            send(token, call).then().statusCode(oneOf(403, 404));
        }
    }

    @Test
    void removalTakesEffectAtOnceEvenForUnexpiredTokens() {
        String a = Api.createOrg();
        Api.Member keeper = Api.member(a, "org-admin");
        Api.Member leaver = Api.member(a, "scientist");
        as(leaver.token()).get("/api/v1/orgs/" + a).then().statusCode(200);
        as(keeper.token()).delete("/api/v1/orgs/" + a + "/members/" + Api.userId(leaver.email()))
                .then().statusCode(204);
        for (Call call : organizationEndpoints(a, Api.userId(keeper.email()), UUID.randomUUID())) {
            send(leaver.token(), call).then().statusCode(401);
        }
    }

    @Test
    void aDisabledAccountsTokenStopsWorking() {
        String a = Api.createOrg();
        Api.Member member = Api.member(a, "viewer");
        as(Api.adminToken()).body(Map.of("status", "disabled"))
                .patch("/api/v1/users/" + Api.userId(member.email())).then().statusCode(200);
        as(member.token()).get("/api/v1/orgs/" + a).then().statusCode(401);
    }

    @Test
    void permissionsWithinTheOrganizationAreEnforced() {
        String a = Api.createOrg();
        Api.Member viewer = Api.member(a, "viewer");
        as(viewer.token()).get("/api/v1/orgs/" + a + "/members").then().statusCode(200);
        as(viewer.token()).body(Map.of("email", Api.createUser(), "role", "viewer"))
                .post("/api/v1/orgs/" + a + "/members").then().statusCode(403);
        as(viewer.token()).get("/api/v1/orgs/" + a + "/clients").then().statusCode(403);
        as(viewer.token()).get("/api/v1/orgs/" + a + "/audit").then().statusCode(403);
        as(viewer.token()).body(Map.of("displayName", "x", "version", 0)).patch("/api/v1/orgs/" + a)
                .then().statusCode(403);
        as(viewer.token()).get("/api/v1/users").then().statusCode(403);
        as(viewer.token()).get("/api/v1/audit").then().statusCode(403);
    }

    private static Response send(String token, Call call) {
        var request = as(token);
        if (call.body() != null) {
            request.body(call.body());
        }
        return request.request(call.method(), call.path());
    }
}
