package io.tenantry.metadata.auth;

import static io.restassured.RestAssured.given;
import static io.tenantry.metadata.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.smallrye.jwt.build.Jwt;
import io.tenantry.metadata.Api;
import io.tenantry.testing.TenantryTestServers;

@QuarkusTest
@WithTestResource(TenantryTestServers.class)
class TokenTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void passwordGrantNamesTheOrganizationAndItsPermissions() throws Exception {
        String orgId = Api.createOrg();
        Api.Member scientist = Api.member(orgId, "scientist");
        JsonNode claims = claims(scientist.token());
        assertEquals(orgId, claims.get("org").asText());
        assertEquals("https://tenantry.io/metadata", claims.get("iss").asText());
        assertTrue(claims.get("sub").asText().startsWith("user:"));
        List<String> permissions = JSON.convertValue(claims.get("permissions"), List.class);
        assertTrue(permissions.contains("jobs:submit"));
        assertTrue(!permissions.contains("members:manage"));
        long lifetime = claims.get("exp").asLong() - claims.get("iat").asLong();
        assertEquals(15 * 60, lifetime);
    }

    @Test
    void adminTokensCarryThePlatformAdminGroup() throws Exception {
        JsonNode claims = claims(Api.adminToken());
        assertTrue(claims.get("groups").toString().contains("platform-admin"));
    }

    @Test
    void clientCredentialsGrantIsScopedToTheClientsOrganization() throws Exception {
        String orgId = Api.createOrg();
        var created = as(Api.adminToken()).body(Map.of("name", "lab robot", "role", "scientist"))
                .post("/api/v1/orgs/" + orgId + "/clients").then().statusCode(201)
                .body("clientSecret", notNullValue()).extract().jsonPath();
        String token = given().contentType(ContentType.URLENC).header("X-Forwarded-For", Api.freshAddress())
                .formParam("grant_type", "client_credentials")
                .formParam("client_id", created.getString("clientId"))
                .formParam("client_secret", created.getString("clientSecret"))
                .post("/api/v1/auth/token").then().statusCode(200).body("org_id", equalTo(orgId))
                .extract().path("access_token");
        assertEquals("client:" + created.getString("clientId"), claims(token).get("sub").asText());
        as(token).get("/api/v1/orgs/" + orgId).then().statusCode(200);

        as(Api.adminToken()).delete("/api/v1/orgs/" + orgId + "/clients/" + created.getString("clientId"))
                .then().statusCode(204);
        as(token).get("/api/v1/orgs/" + orgId).then().statusCode(401);
        given().contentType(ContentType.URLENC).header("X-Forwarded-For", Api.freshAddress())
                .formParam("grant_type", "client_credentials")
                .formParam("client_id", created.getString("clientId"))
                .formParam("client_secret", created.getString("clientSecret"))
                .post("/api/v1/auth/token").then().statusCode(401).contentType("application/problem+json");
    }

    @Test
    void listingsNeverShowClientSecretsOrHashes() {
        String orgId = Api.createOrg();
        as(Api.adminToken()).body(Map.of("name", "robot", "role", "viewer"))
                .post("/api/v1/orgs/" + orgId + "/clients").then().statusCode(201);
        String body = as(Api.adminToken()).get("/api/v1/orgs/" + orgId + "/clients").then().statusCode(200)
                .body("items.size()", equalTo(1)).extract().asString();
        assertTrue(!body.contains("secret"), body);
    }

    @Test
    void wrongPasswordsAndUnknownAccountsGet401Problems() {
        String email = Api.createUser();
        password(email, "not-the-password", Api.freshAddress()).then().statusCode(401)
                .contentType("application/problem+json").body("status", equalTo(401));
        password("nobody@example.com", "whatever-password", Api.freshAddress()).then().statusCode(401);
        given().contentType(ContentType.URLENC).formParam("grant_type", "magic")
                .post("/api/v1/auth/token").then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.URLENC).formParam("grant_type", "password")
                .post("/api/v1/auth/token").then().statusCode(400);
    }

    @Test
    void aTokenForAnOrganizationTheUserDoesNotBelongToIsRefused() {
        String email = Api.createUser();
        String other = Api.createOrg();
        password(email, Api.PASSWORD, Api.freshAddress(), other).then().statusCode(403);
    }

    @Test
    void repeatedFailuresOnOneAccountAreRateLimited() {
        String email = Api.createUser();
        for (int i = 0; i < 5; i++) {
            password(email, "wrong-password-" + i, Api.freshAddress()).then().statusCode(401);
        }
        password(email, Api.PASSWORD, Api.freshAddress()).then().statusCode(429)
                .header("Retry-After", notNullValue()).contentType("application/problem+json");
    }

    @Test
    void repeatedFailuresFromOneAddressAreRateLimited() {
        String address = Api.freshAddress();
        for (int i = 0; i < 20; i++) {
            password("nobody-" + i + "@example.com", "wrong-password", address).then().statusCode(401);
        }
        String email = Api.createUser();
        password(email, Api.PASSWORD, address).then().statusCode(429).header("Retry-After", notNullValue());
        password(email, Api.PASSWORD, Api.freshAddress()).then().statusCode(200);
    }

    @Test
    void expiredTamperedAndForeignTokensAreRefused() {
        String expired = Jwt.issuer("https://tenantry.io/metadata").subject("user:" + Api.userId(Api.ADMIN_EMAIL))
                .groups("user").issuedAt(Instant.now().minusSeconds(3600)).expiresAt(Instant.now().minusSeconds(1800))
                .sign();
        as(expired).get("/api/v1/me").then().statusCode(401).contentType("application/problem+json");

        String[] parts = Api.adminToken().split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"user\"", "\"root\"");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        as(tampered).get("/api/v1/me").then().statusCode(401);

        String wrongIssuer = Jwt.issuer("https://evil.example").subject("user:" + Api.userId(Api.ADMIN_EMAIL))
                .groups("user").sign();
        as(wrongIssuer).get("/api/v1/me").then().statusCode(401);

        given().get("/api/v1/me").then().statusCode(401).header("WWW-Authenticate", notNullValue());
        as("not-a-jwt").get("/api/v1/me").then().statusCode(401);
    }

    @Test
    void meShowsMembershipsAndPasswordsCanBeChanged() {
        String orgId = Api.createOrg();
        Api.Member viewer = Api.member(orgId, "viewer");
        as(viewer.token()).get("/api/v1/me").then().statusCode(200)
                .body("user.email", equalTo(viewer.email()))
                .body("memberships.orgId", hasItem(orgId))
                .body("memberships[0].role", equalTo("viewer"))
                .body("user", not(hasItem("passwordHash")));
        as(viewer.token()).body(Map.of("currentPassword", "wrong-password!", "newPassword", "another-long-password"))
                .put("/api/v1/me/password").then().statusCode(403);
        as(viewer.token()).body(Map.of("currentPassword", Api.PASSWORD, "newPassword", "short"))
                .put("/api/v1/me/password").then().statusCode(400);
        as(viewer.token()).body(Map.of("currentPassword", Api.PASSWORD, "newPassword", "another-long-password"))
                .put("/api/v1/me/password").then().statusCode(204);
        password(viewer.email(), "another-long-password", Api.freshAddress()).then().statusCode(200);
    }

    private static io.restassured.response.Response password(String email, String password, String address) {
        return password(email, password, address, null);
    }

    private static io.restassured.response.Response password(String email, String password, String address,
                                                             String orgId) {
        var request = given().contentType(ContentType.URLENC).header("X-Forwarded-For", address)
                .formParam("grant_type", "password").formParam("username", email).formParam("password", password);
        if (orgId != null) {
            request.formParam("org_id", orgId);
        }
        return request.post("/api/v1/auth/token");
    }

    private static JsonNode claims(String token) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1]));
    }
}
