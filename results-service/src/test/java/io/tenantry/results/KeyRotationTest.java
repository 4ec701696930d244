package io.tenantry.results;

import static io.tenantry.results.Api.as;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.time.Duration;
import java.util.Set;
import java.util.UUID;

import org.eclipse.microprofile.config.ConfigProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.Eventually;
import io.tenantry.testing.JwksServer;
import io.tenantry.testing.TenantryTestServers;

/**
 * The signing key rotation of docs/operations.md, end to end, with results-service verifying against the JWKS as
 * it does in production: a new key becomes current while the previous one stays published, then the previous one
 * is retired. No token stops working before it should, and a retired key's tokens are refused.
 */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = Platform.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.RESULTS_ROLE),
        @ResourceArg(name = "jwks", value = "true")})
class KeyRotationTest {

    /** A little more than the JWKS server's max-age of 1 s; metadata-service's is 60 s (docs/operations.md). */
    private static final Duration REFRESH = Duration.ofMillis(1500);

    private static String org;

    @BeforeAll
    static void organization() throws Exception {
        org = Platform.tenants(1).get(0);
    }

    @Test
    void rotatingTheSigningKeyCutsNoOneOffAndRetiringItRefusesItsTokens() throws Exception {
        JwksServer jwks = TenantryTestServers.jwks();
        PrivateKey oldPrivate = KeyUtils.decodePrivateKey(Files.readString(Path.of(URI.create(
                ConfigProvider.getConfig().getValue("smallrye.jwt.sign.key.location", String.class)))));
        PublicKey oldPublic = jwks.published().get(0);
        KeyPair next = KeyPairGenerator.getInstance("RSA").generateKeyPair();

        // Before: one key, and a client using a token signed with it.
        String before = token(oldPrivate, oldPublic);
        readJobs(before);

        // Step 1: the next key is published, and the verifier fetches the set again.
        jwks.publish(oldPublic, next.getPublic());
        Thread.sleep(REFRESH.toMillis());

        // Step 2: the next key signs; the old one stays published.
        jwks.publish(next.getPublic(), oldPublic);
        String after = token(next.getPrivate(), next.getPublic());
        readJobs(after);
        readJobs(before);
        readJobs(token(oldPrivate, oldPublic));

        // Step 3, once every token the old key signed has expired: the old key is retired.
        jwks.publish(next.getPublic());
        Eventually.within(REFRESH.multipliedBy(3), "refusing a retired key's token",
                () -> status(token(oldPrivate, oldPublic)) == 401);
        readJobs(token(next.getPrivate(), next.getPublic()));
        readJobs(after);
    }

    private static String token(PrivateKey signer, PublicKey publicHalf) {
        String subject = "user:" + UUID.randomUUID();
        return Jwt.issuer("https://tenantry.io/metadata").subject(subject).upn(subject).groups(Set.of("user"))
                .claim("org", org).claim("permissions", Platform.VIEWER).expiresIn(600)
                .jws().keyId(JwksServer.keyId(publicHalf)).sign(signer);
    }

    private static int status(String token) {
        return as(token).get("/api/v1/orgs/" + org + "/jobs").then().extract().statusCode();
    }

    private static void readJobs(String token) {
        as(token).get("/api/v1/orgs/" + org + "/jobs").then().statusCode(200);
    }
}
