package io.tenantry.results;

import static io.tenantry.results.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.TenantryTestServers;

/**
 * A token is verified once and then remembered, but never trusted beyond what verifying it again would allow: not
 * past its expiry, and not in any other form than the exact one verified.
 */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = Platform.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.RESULTS_ROLE)})
class VerifiedTokensTest {

    private static String org;

    @Inject
    MeterRegistry registry;

    @BeforeAll
    static void organization() throws Exception {
        org = Platform.tenants(1).get(0);
    }

    @Test
    void aTokenSeenBeforeIsNotVerifiedAgain() {
        String token = Platform.viewer(org);
        as(token).get("/api/v1/orgs/" + org + "/jobs").then().statusCode(200);
        double hits = hits();
        as(token).get("/api/v1/orgs/" + org + "/jobs").then().statusCode(200);
        assertEquals(hits + 1, hits());
    }

    @Test
    void aRememberedTokenAlteredIsRefused() {
        String token = Platform.viewer(org);
        as(token).get("/api/v1/orgs/" + org + "/jobs").then().statusCode(200);
        int middleOfSignature = token.lastIndexOf('.') + (token.length() - token.lastIndexOf('.')) / 2;
        char original = token.charAt(middleOfSignature);
        String altered = token.substring(0, middleOfSignature) + (original == 'A' ? 'B' : 'A')
                + token.substring(middleOfSignature + 1);
        as(altered).get("/api/v1/orgs/" + org + "/jobs").then().statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void aRememberedTokenIsRefusedOnceItExpires() throws InterruptedException {
        long expiresAt = Instant.now().getEpochSecond() + 2;
        String token = Jwt.issuer("https://tenantry.io/metadata").subject("user:short-lived").upn("user:short-lived")
                .groups(Set.of("user")).claim("org", org).claim("permissions", List.of("jobs:read"))
                .expiresAt(expiresAt).sign();
        as(token).get("/api/v1/orgs/" + org + "/jobs").then().statusCode(200);
        long refusedFrom = expiresAt + 1; // past the test profile's clock skew of 1 s
        while (Instant.now().getEpochSecond() <= refusedFrom) {
            Thread.sleep(200);
        }
        as(token).get("/api/v1/orgs/" + org + "/jobs").then().statusCode(401)
                .contentType("application/problem+json");
    }

    private double hits() {
        return registry.get("cache.gets").tag("cache", "verified-tokens").tag("result", "hit").functionCounter()
                .count();
    }
}
