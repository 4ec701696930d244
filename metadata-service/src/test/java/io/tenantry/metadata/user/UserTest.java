package io.tenantry.metadata.user;

import static io.tenantry.metadata.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.containsString;

import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.metadata.Api;
import io.tenantry.testing.TenantryTestServers;

@QuarkusTest
@WithTestResource(TenantryTestServers.class)
class UserTest {

    @Test
    void platformAdminsCreateUsersWithUniqueCaseInsensitiveEmails() {
        String email = Api.unique("Mixed") + "@Example.COM";
        String body = as(Api.adminToken()).body(Map.of("email", email, "displayName", "Mixed Case",
                        "password", Api.PASSWORD))
                .post("/api/v1/users").then().statusCode(201)
                .body("email", equalTo(email.toLowerCase())).body("status", equalTo("active"))
                .body("platformAdmin", equalTo(false)).extract().asString();
        org.junit.jupiter.api.Assertions.assertFalse(body.contains("password"), body);
        as(Api.adminToken()).body(Map.of("email", email.toLowerCase(), "displayName", "Again",
                "password", Api.PASSWORD)).post("/api/v1/users").then().statusCode(409);
        Api.token(email.toUpperCase(), Api.PASSWORD, null);
    }

    @Test
    void badUserInputGets400() {
        as(Api.adminToken()).body(Map.of("email", "nope", "displayName", "X", "password", Api.PASSWORD))
                .post("/api/v1/users").then().statusCode(400).body("errors[0].field", equalTo("email"));
        as(Api.adminToken()).body(Map.of("email", "short@example.com", "displayName", "X", "password", "short"))
                .post("/api/v1/users").then().statusCode(400).body("errors[0].field", equalTo("password"));
        as(Api.adminToken()).body(Map.of("email", "a@example.com", "displayName", "X", "password", Api.PASSWORD,
                "platformAdmin", "yes please")).post("/api/v1/users").then().statusCode(400);
        as(Api.adminToken()).get("/api/v1/users?status=sleepy").then().statusCode(400);
        as(Api.adminToken()).get("/api/v1/users/" + UUID.randomUUID()).then().statusCode(404);
    }

    @Test
    void onlyPlatformAdminsManagePeople() {
        Api.Member admin = Api.member(Api.createOrg(), "org-admin");
        as(admin.token()).body(Map.of("email", "new@example.com", "displayName", "X", "password", Api.PASSWORD))
                .post("/api/v1/users").then().statusCode(403);
        UUID other = Api.userId(Api.createUser());
        as(admin.token()).get("/api/v1/users/" + other).then().statusCode(403);
        as(admin.token()).body(Map.of("platformAdmin", true)).patch("/api/v1/users/" + Api.userId(admin.email()))
                .then().statusCode(403);
        as(admin.token()).body(Map.of("displayName", "New Me")).patch("/api/v1/users/" + Api.userId(admin.email()))
                .then().statusCode(200).body("displayName", equalTo("New Me"));
        as(admin.token()).get("/api/v1/users/" + Api.userId(admin.email())).then().statusCode(200);
    }

    @Test
    void usersCanBeFilteredByEmailPrefixAndStatus() {
        String prefix = Api.unique("filter");
        for (int i = 0; i < 3; i++) {
            as(Api.adminToken()).body(Map.of("email", prefix + i + "@example.com", "displayName", "F",
                    "password", Api.PASSWORD)).post("/api/v1/users").then().statusCode(201);
        }
        as(Api.adminToken()).queryParam("email", prefix).get("/api/v1/users").then().statusCode(200)
                .body("items", hasSize(3));
        as(Api.adminToken()).queryParam("email", "%").get("/api/v1/users").then().statusCode(200)
                .body("items", hasSize(0));
        as(Api.adminToken()).body(Map.of("status", "disabled")).patch("/api/v1/users/" + Api.userId(prefix + "0@example.com"))
                .then().statusCode(200);
        as(Api.adminToken()).queryParam("email", prefix).queryParam("status", "disabled").get("/api/v1/users")
                .then().statusCode(200).body("items", hasSize(1));
    }

    @Test
    void administratorsCannotLockThemselvesOut() {
        as(Api.adminToken()).body(Map.of("status", "disabled")).patch("/api/v1/users/" + Api.userId(Api.ADMIN_EMAIL))
                .then().statusCode(409).body("detail", containsString("themselves"));
        as(Api.adminToken()).get("/api/v1/me").then().statusCode(200).body("user.platformAdmin", equalTo(true))
                .body("user", not(containsString("hash")));
    }
}
