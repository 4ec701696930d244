package io.tenantry.metadata;

import static io.restassured.RestAssured.given;

import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import io.restassured.http.ContentType;
import io.restassured.specification.RequestSpecification;

/** Test helpers that drive the real API: tokens, organizations and users, each with unique names. */
public final class Api {

    public static final String ADMIN_EMAIL = "admin@tenantry.test";
    public static final String ADMIN_PASSWORD = "test-only-admin-password";
    public static final String PASSWORD = "a-long-enough-password";
    private static final AtomicInteger SEQUENCE = new AtomicInteger();
    private static String adminToken;

    private Api() {
    }

    /** A name no other test uses, valid as an organization id. */
    public static String unique(String prefix) {
        return prefix + "_" + Long.toString(System.nanoTime() % 1_000_000_000L, 36) + SEQUENCE.incrementAndGet();
    }

    /** Each caller gets its own client address, so rate-limit tests cannot block anyone else's sign-in. */
    public static String freshAddress() {
        int n = SEQUENCE.incrementAndGet();
        return "10." + (n >> 16 & 255) + "." + (n >> 8 & 255) + "." + (n & 255);
    }

    public static synchronized String adminToken() {
        if (adminToken == null) {
            adminToken = token(ADMIN_EMAIL, ADMIN_PASSWORD, null);
        }
        return adminToken;
    }

    public static String token(String email, String password, String orgId) {
        var request = given().header("X-Forwarded-For", freshAddress())
                .contentType(ContentType.URLENC)
                .formParam("grant_type", "password")
                .formParam("username", email)
                .formParam("password", password);
        if (orgId != null) {
            request.formParam("org_id", orgId);
        }
        return request.post("/api/v1/auth/token").then().statusCode(200).extract().path("access_token");
    }

    public static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType(ContentType.JSON);
    }

    public static String createOrg() {
        String orgId = unique("org");
        as(adminToken()).body(Map.of("orgId", orgId, "displayName", "Org " + orgId, "region", "eu-west"))
                .post("/api/v1/orgs").then().statusCode(202);
        return orgId;
    }

    public static String createUser() {
        String email = unique("user") + "@example.com";
        as(adminToken()).body(Map.of("email", email, "displayName", "User " + email, "password", PASSWORD))
                .post("/api/v1/users").then().statusCode(201);
        return email;
    }

    public static UUID userId(String email) {
        return UUID.fromString(as(adminToken()).queryParam("email", email).get("/api/v1/users")
                .then().statusCode(200).extract().path("items[0].id"));
    }

    /** A new user who is a member of the organization with the role, and a token scoped to it. */
    public static Member member(String orgId, String role) {
        String email = createUser();
        as(adminToken()).body(Map.of("email", email, "role", role))
                .post("/api/v1/orgs/" + orgId + "/members").then().statusCode(201);
        return new Member(email, token(email, PASSWORD, orgId));
    }

    public record Member(String email, String token) {
    }
}
