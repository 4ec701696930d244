package io.tenantry.metadata.auth;

import static io.restassured.RestAssured.given;
import static io.tenantry.metadata.Api.as;
import static org.hamcrest.Matchers.containsInAnyOrder;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import io.tenantry.metadata.Api;
import io.tenantry.servers.JwtKeys;
import io.tenantry.testing.JwksServer;
import io.tenantry.testing.TenantryTestServers;

/**
 * Step 2 of the signing key rotation (docs/operations.md): a new key signs, the previous one is still published in
 * the JWKS and its tokens still work, here and (through the JWKS) on the other services.
 */
@QuarkusTest
@TestProfile(SigningKeysTest.DuringARotation.class)
@WithTestResource(TenantryTestServers.class)
class SigningKeysTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    public static class DuringARotation implements QuarkusTestProfile {

        /** In a fixed place: the profile is loaded by the test's class loader and by the application's. */
        static final JwtKeys PREVIOUS = JwtKeys.reuseOrGenerate(Path.of("target/test-previous-jwt"));

        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tenantry.auth.published-public-key-locations", PREVIOUS.publicKey().toUri().toString());
        }
    }

    @Test
    void theJwksPublishesTheCurrentAndThePreviousKeyWithoutAToken() throws Exception {
        String current = keyId(Api.adminToken());
        String previous = JwksServer.keyId(previousPublic());
        given().get("/api/v1/auth/jwks").then().statusCode(200)
                .header("Cache-Control", "max-age=60")
                .body("keys.kid", containsInAnyOrder(current, previous))
                .body("keys.kty", everyItem(equalTo("RSA")))
                .body("keys.alg", everyItem(equalTo("RS256")))
                .body("keys", everyItem(not(hasKey("d"))));
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("tenantry_signing_keys_published 2.0"));
    }

    @Test
    void everyNewTokenNamesTheCurrentKey() throws Exception {
        String token = Api.token(Api.createUser(), Api.PASSWORD, null);
        assertEquals(keyId(Api.adminToken()), keyId(token));
    }

    @Test
    void aTokenOfThePreviousKeyStillWorksAndAnUnknownKeysDoesNot() throws Exception {
        String subject = subject(Api.adminToken());
        PrivateKey previousPrivate = KeyUtils.decodePrivateKey(Files.readString(DuringARotation.PREVIOUS.privateKey()));
        as(token(subject, previousPrivate, JwksServer.keyId(previousPublic()))).get("/api/v1/me").then().statusCode(200);

        var stranger = KeyPairGenerator.getInstance("RSA").generateKeyPair();
        as(token(subject, stranger.getPrivate(), JwksServer.keyId(stranger.getPublic()))).get("/api/v1/me")
                .then().statusCode(401).contentType("application/problem+json");
        as(token(subject, stranger.getPrivate(), keyId(Api.adminToken()))).get("/api/v1/me")
                .then().statusCode(401).contentType("application/problem+json");
    }

    private static PublicKey previousPublic() {
        return JwksServer.readPublicKey(DuringARotation.PREVIOUS.publicKey());
    }

    private static String token(String subject, PrivateKey signer, String keyId) {
        return Jwt.issuer("https://tenantry.io/metadata").subject(subject).upn(subject).groups(Set.of("user"))
                .expiresIn(300).jws().keyId(keyId).sign(signer);
    }

    private static String keyId(String token) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[0])).get("kid").asText();
    }

    private static String subject(String token) throws Exception {
        return JSON.readTree(Base64.getUrlDecoder().decode(token.split("\\.")[1])).get("sub").asText();
    }
}
