package io.tenantry.metadata;

import static io.restassured.RestAssured.given;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tenantry.testing.ExportedMetrics;
import io.tenantry.testing.TenantryTestServers;

/**
 * What metadata-service exports is what deploy/monitoring/metrics/metadata-service.txt lists, which the dashboards
 * and alerts are checked against. A profile of its own gives a fresh registry, whatever ran before.
 */
@QuarkusTest
@TestProfile(ExportedMetricsTest.FreshRegistry.class)
@WithTestResource(TenantryTestServers.class)
class ExportedMetricsTest {

    public static final class FreshRegistry implements QuarkusTestProfile {
    }

    @Test
    void theListedMetricsAreExported() {
        given().get("/api/v1/auth/jwks").then().statusCode(200);
        // The sign-in limiter's meters appear with the limiter, at the first sign-in.
        given().formParam("grant_type", "password").formParam("username", "nobody@example.com")
                .formParam("password", "not-the-password").post("/api/v1/auth/token").then().statusCode(401);

        ExportedMetrics.assertListed("metadata-service",
                () -> given().get("/q/metrics").then().statusCode(200).extract().asString());
    }
}
