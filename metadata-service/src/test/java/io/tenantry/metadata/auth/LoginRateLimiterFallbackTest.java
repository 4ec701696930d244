package io.tenantry.metadata.auth;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.tenantry.metadata.Api;
import io.tenantry.testing.Eventually;
import io.tenantry.testing.TenantryTestServers;

/** Sign-in rate limiting never fails open: with Redis away, this replica counts failures itself, and says so. */
@QuarkusTest
@WithTestResource(TenantryTestServers.class)
class LoginRateLimiterFallbackTest {

    @Inject
    MeterRegistry registry;

    @Test
    void withRedisAwayFailuresPastTheLimitAreStillRefusedAndTheMetricsSaySo() {
        assumeTrue(TenantryTestServers.servers().canRestartRedis(), "only an embedded Redis is stopped by tests");
        String email = Api.createUser();
        String bystander = Api.createUser();
        double fallbacksBefore = fallbacks();
        TenantryTestServers.servers().stopRedis();
        try {
            for (int i = 0; i < 5; i++) {
                password(email, "wrong-password-" + i, Api.freshAddress()).then().statusCode(401);
            }
            password(email, Api.PASSWORD, Api.freshAddress()).then().statusCode(429)
                    .header("Retry-After", notNullValue()).contentType("application/problem+json");
            password(bystander, Api.PASSWORD, Api.freshAddress()).then().statusCode(200);

            String address = Api.freshAddress();
            for (int i = 0; i < 20; i++) {
                password("nobody-" + i + "@example.com", "wrong-password", address).then().statusCode(401);
            }
            password(bystander, Api.PASSWORD, address).then().statusCode(429);

            assertEquals(1.0, registry.get("tenantry.login.limiter.local").gauge().value());
            assertTrue(fallbacks() > fallbacksBefore, "the fallback counter did not move");
        } finally {
            TenantryTestServers.servers().startRedis();
        }
        Eventually.within(Duration.ofSeconds(15), "counting in Redis again", () -> {
            password(bystander, Api.PASSWORD, Api.freshAddress()).then().statusCode(200);
            return registry.get("tenantry.login.limiter.local").gauge().value() == 0.0;
        });
    }

    private double fallbacks() {
        return registry.get("tenantry.login.limiter.fallback").counter().count();
    }

    private static Response password(String email, String password, String address) {
        return given().contentType(ContentType.URLENC).header("X-Forwarded-For", address)
                .formParam("grant_type", "password").formParam("username", email).formParam("password", password)
                .post("/api/v1/auth/token");
    }
}
