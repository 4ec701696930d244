package io.tenantry.results;

import static io.tenantry.results.Api.as;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import io.tenantry.common.RedisChannels;
import io.tenantry.common.revocation.NotValidBefore;
import io.tenantry.common.revocation.RevocationConfig;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.Eventually;
import io.tenantry.testing.TenantryTestServers;
import io.tenantry.testing.TokenRevocationRows;

/**
 * A token taken back by metadata-service (a member removed, an API client deleted, an organization suspended) is
 * refused here within seconds, even though this service remembers tokens it verified, and even while Redis is away.
 * The revocations are written as metadata-service writes them: a row in token_revocations, announced on Redis.
 */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = Platform.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.RESULTS_ROLE)})
class TokenRevocationTest {

    private static final Logger LOG = Logger.getLogger(TokenRevocationTest.class);
    private static final Duration WITHIN = Duration.ofSeconds(5);

    private static String org;
    private static String otherOrg;

    @Inject
    RedisDataSource redis;

    @Inject
    RevocationConfig config;

    @BeforeAll
    static void organizations() throws Exception {
        List<String> orgs = Platform.tenants(2);
        org = orgs.get(0);
        otherOrg = orgs.get(1);
    }

    @Test
    void aRemovedMembersRememberedTokenIsRefusedAndTheirNextTokenWorks() throws Exception {
        String member = "user:" + UUID.randomUUID();
        String token = Platform.token(org, Platform.VIEWER, member);
        String otherMembersToken = Platform.viewer(org);
        readJobs(org, token);
        readJobs(org, token);

        NotValidBefore revoked = revoke(NotValidBefore.Scope.SUBJECT, member, true);
        refusedWithin(WITHIN, org, token);
        readJobs(org, otherMembersToken);
        readJobs(org, tokenIssuedAt(org, member, revoked.epochSecond()));
    }

    @Test
    void aDeletedClientsRememberedTokenIsRefused() throws Exception {
        String client = "client:" + UUID.randomUUID();
        String token = Platform.token(org, Platform.CLIENT, client);
        readJobs(org, token);
        revoke(NotValidBefore.Scope.SUBJECT, client, true);
        refusedWithin(WITHIN, org, token);
    }

    @Test
    void aSuspendedOrganizationsTokensAreRefusedAndNoOtherOrganizations() throws Exception {
        String suspended = Platform.tenants(1).get(0);
        String token = Platform.viewer(suspended);
        String otherToken = Platform.viewer(otherOrg);
        readJobs(suspended, token);
        readJobs(otherOrg, otherToken);
        revoke(NotValidBefore.Scope.ORGANIZATION, suspended, true);
        refusedWithin(WITHIN, suspended, token);
        readJobs(otherOrg, otherToken);
    }

    @Test
    void aRevocationReachesThisServiceByPollingWhileRedisIsAway() throws Exception {
        assumeTrue(TenantryTestServers.servers().canRestartRedis(), "only an embedded Redis is stopped by tests");
        String member = "user:" + UUID.randomUUID();
        String token = Platform.token(org, Platform.VIEWER, member);
        readJobs(org, token);
        TenantryTestServers.servers().stopRedis();
        try {
            revoke(NotValidBefore.Scope.SUBJECT, member, false);
            refusedWithin(config.pollInterval().plusSeconds(1), org, token);
        } finally {
            TenantryTestServers.servers().startRedis();
        }
    }

    private static void readJobs(String orgId, String token) {
        as(token).get("/api/v1/orgs/" + orgId + "/jobs").then().statusCode(200);
    }

    private static void refusedWithin(Duration limit, String orgId, String token) {
        String path = "/api/v1/orgs/" + orgId + "/jobs";
        Duration took = Eventually.within(limit, "refusing a revoked token", () -> {
            int status = as(token).get(path).then().extract().statusCode();
            assertTrue(status == 200 || status == 401, "unexpected " + status);
            return status == 401;
        });
        as(token).get(path).then().statusCode(401).contentType("application/problem+json");
        LOG.infof("a revoked token was refused after %d ms", took.toMillis());
    }

    /** As metadata-service revokes: the row, then (unless Redis is away) the announcement. */
    private NotValidBefore revoke(NotValidBefore.Scope scope, String key, boolean announce) throws Exception {
        NotValidBefore revoked;
        try (Connection metadata = Platform.metadata()) {
            revoked = new NotValidBefore(scope, key, TokenRevocationRows.revoke(metadata, scope.wire(), key));
        }
        if (announce) {
            redis.pubsub(String.class).publish(RedisChannels.TOKEN_REVOCATIONS, revoked.message());
        }
        return revoked;
    }

    /** A token as metadata-service issues it after a revocation: with an iat no earlier than the revoked time. */
    private static String tokenIssuedAt(String orgId, String subject, long issuedAt) {
        return Jwt.issuer("https://tenantry.io/metadata").subject(subject).upn(subject).groups(Set.of("user"))
                .claim("org", orgId).claim("permissions", Platform.VIEWER).issuedAt(issuedAt)
                .expiresAt(issuedAt + 600).sign();
    }
}
