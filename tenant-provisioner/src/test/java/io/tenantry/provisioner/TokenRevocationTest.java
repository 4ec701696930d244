package io.tenantry.provisioner;

import static io.restassured.RestAssured.given;

import java.sql.Connection;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import io.tenantry.common.RedisChannels;
import io.tenantry.common.revocation.NotValidBefore;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.Eventually;
import io.tenantry.testing.TenantryTestServers;
import io.tenantry.testing.TokenRevocationRows;

/** An administrator's token taken back by metadata-service is refused by the operator API within seconds. */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = ProvisionerTestSupport.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.PROVISIONER_ROLE)})
class TokenRevocationTest {

    @Inject
    RedisDataSource redis;

    @Test
    void aDemotedAdministratorsTokenIsRefusedAndAnotherAdministratorsIsNot() throws Exception {
        String demoted = "user:" + UUID.randomUUID();
        String token = adminToken(demoted);
        String otherToken = adminToken("user:" + UUID.randomUUID());
        given().auth().oauth2(token).get("/api/v1/tenants").then().statusCode(200);

        long notValidBefore;
        try (Connection metadata = ProvisionerTestSupport.metadata()) {
            notValidBefore = TokenRevocationRows.revoke(metadata, "subject", demoted);
        }
        redis.pubsub(String.class).publish(RedisChannels.TOKEN_REVOCATIONS,
                new NotValidBefore(NotValidBefore.Scope.SUBJECT, demoted, notValidBefore).message());
        Eventually.within(Duration.ofSeconds(5), "refusing a revoked token",
                () -> given().auth().oauth2(token).get("/api/v1/tenants").then().extract().statusCode() == 401);
        given().auth().oauth2(otherToken).get("/api/v1/tenants").then().statusCode(200);
    }

    private static String adminToken(String subject) {
        return Jwt.subject(subject).groups(Set.of("user", "platform-admin")).sign();
    }
}
