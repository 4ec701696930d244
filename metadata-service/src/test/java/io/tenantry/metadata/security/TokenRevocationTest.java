package io.tenantry.metadata.security;

import static io.restassured.RestAssured.given;
import static io.tenantry.metadata.Api.as;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.tenantry.metadata.Api;
import io.tenantry.testing.Eventually;
import io.tenantry.testing.TenantryTestServers;

/**
 * Whatever takes a grant away takes back the tokens that carried it, within seconds: they are refused with 401,
 * and a token issued after the change works.
 */
@QuarkusTest
@WithTestResource(TenantryTestServers.class)
class TokenRevocationTest {

    private static final Logger LOG = Logger.getLogger(TokenRevocationTest.class);
    private static final Duration WITHIN = Duration.ofSeconds(5);

    @Test
    void aRemovedMembersTokensAreRefused() {
        String orgId = Api.createOrg();
        Api.Member member = Api.member(orgId, "viewer");
        as(member.token()).get("/api/v1/orgs/" + orgId).then().statusCode(200);

        as(Api.adminToken()).delete("/api/v1/orgs/" + orgId + "/members/" + Api.userId(member.email()))
                .then().statusCode(204);
        refusedWithin(member.token(), "/api/v1/orgs/" + orgId);

        String after = Api.token(member.email(), Api.PASSWORD, null);
        as(after).get("/api/v1/me").then().statusCode(200);
    }

    @Test
    void aDisabledUsersTokensAreRefused() {
        String orgId = Api.createOrg();
        Api.Member member = Api.member(orgId, "viewer");
        as(member.token()).get("/api/v1/me").then().statusCode(200);
        as(Api.adminToken()).body(Map.of("status", "disabled")).patch("/api/v1/users/" + Api.userId(member.email()))
                .then().statusCode(200);
        refusedWithin(member.token(), "/api/v1/me");
    }

    @Test
    void aPasswordChangeTakesBackEveryEarlierTokenButNotTheNextOne() {
        String orgId = Api.createOrg();
        Api.Member member = Api.member(orgId, "viewer");
        String other = Api.token(member.email(), Api.PASSWORD, orgId);
        as(member.token()).body(Map.of("currentPassword", Api.PASSWORD, "newPassword", "another-long-password"))
                .put("/api/v1/me/password").then().statusCode(204);
        refusedWithin(member.token(), "/api/v1/me");
        refusedWithin(other, "/api/v1/orgs/" + orgId);

        String after = Api.token(member.email(), "another-long-password", orgId);
        as(after).get("/api/v1/orgs/" + orgId).then().statusCode(200);
    }

    @Test
    void aRevokedClientsTokensAreRefused() {
        String orgId = Api.createOrg();
        var created = as(Api.adminToken()).body(Map.of("name", "robot", "role", "viewer"))
                .post("/api/v1/orgs/" + orgId + "/clients").then().statusCode(201).extract().jsonPath();
        String token = given().contentType(ContentType.URLENC).header("X-Forwarded-For", Api.freshAddress())
                .formParam("grant_type", "client_credentials")
                .formParam("client_id", created.getString("clientId"))
                .formParam("client_secret", created.getString("clientSecret"))
                .post("/api/v1/auth/token").then().statusCode(200).extract().path("access_token");
        as(token).get("/api/v1/orgs/" + orgId).then().statusCode(200);

        as(Api.adminToken()).delete("/api/v1/orgs/" + orgId + "/clients/" + created.getString("clientId"))
                .then().statusCode(204);
        refusedWithin(token, "/api/v1/orgs/" + orgId);
    }

    @Test
    void aSuspendedOrganizationsTokensAreRefusedAndOthersAreNot() {
        String orgId = Api.createOrg();
        String otherOrg = Api.createOrg();
        Api.Member member = Api.member(orgId, "viewer");
        Api.Member elsewhere = Api.member(otherOrg, "viewer");
        as(member.token()).get("/api/v1/orgs/" + orgId).then().statusCode(200);

        as(Api.adminToken()).post("/api/v1/orgs/" + orgId + "/suspend").then().statusCode(202);
        refusedWithin(member.token(), "/api/v1/orgs/" + orgId);
        as(elsewhere.token()).get("/api/v1/orgs/" + otherOrg).then().statusCode(200);
        as(Api.adminToken()).get("/api/v1/orgs/" + orgId).then().statusCode(200);

        String after = Api.token(member.email(), Api.PASSWORD, orgId);
        as(after).get("/api/v1/orgs/" + orgId).then().statusCode(200);
    }

    @Test
    void tokensOfAnUnrelatedSubjectAreUntouched() {
        String orgId = Api.createOrg();
        Api.Member stays = Api.member(orgId, "viewer");
        Api.Member leaves = Api.member(orgId, "viewer");
        as(Api.adminToken()).delete("/api/v1/orgs/" + orgId + "/members/" + Api.userId(leaves.email()))
                .then().statusCode(204);
        refusedWithin(leaves.token(), "/api/v1/orgs/" + orgId);
        as(stays.token()).get("/api/v1/orgs/" + orgId).then().statusCode(200);
    }

    /** Polls until the token gets a 401 problem; fails when that takes longer than {@link #WITHIN}. */
    private static void refusedWithin(String token, String path) {
        Duration took = Eventually.within(WITHIN, "refusing a revoked token on " + path, () -> {
            int status = as(token).get(path).then().extract().statusCode();
            assertTrue(status == 200 || status == 401 || status == 404, "unexpected " + status + " for " + path);
            return status == 401;
        });
        as(token).get(path).then().statusCode(401).contentType("application/problem+json");
        LOG.infof("a revoked token was refused after %d ms", took.toMillis());
    }
}
