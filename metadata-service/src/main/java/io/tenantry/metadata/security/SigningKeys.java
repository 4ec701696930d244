package io.tenantry.metadata.security;

import java.io.IOException;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jose4j.jwk.JsonWebKeySet;
import org.jose4j.jwk.RsaJsonWebKey;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.Startup;
import io.smallrye.jwt.util.KeyUtils;
import io.smallrye.jwt.util.ResourceUtils;

/**
 * The public halves of the signing keys: the current one, which signs every new token, and during a rotation the
 * next one (published before it signs, so every verifier knows it in time) or the previous one (whose tokens stay
 * valid until they expire). Each is known by its {@code kid}, the RFC 7638
 * thumbprint of the key, so a key names itself and no identifier has to be configured. The others verify
 * against {@link #jwks()}. Read at start, so a key that cannot be read stops the start.
 */
@Startup
@ApplicationScoped
public class SigningKeys {

    private final List<RsaJsonWebKey> keys = new ArrayList<>();

    SigningKeys(@ConfigProperty(name = "mp.jwt.verify.publickey.location") String current, AuthConfig config,
                MeterRegistry registry) {
        keys.add(read(current));
        config.publishedPublicKeyLocations().orElse(List.of()).stream().map(SigningKeys::read).forEach(keys::add);
        // Above 1 means a rotation is under way; one left so for days has a step left undone (docs/operations.md).
        Gauge.builder("tenantry_signing_keys_published", keys, List::size)
                .description("Public keys published at /api/v1/auth/jwks (the current one and, during a rotation, one more)")
                .register(registry);
    }

    /** The {@code kid} every new token carries. */
    public String currentKeyId() {
        return keys.get(0).getKeyId();
    }

    /** The key a token with this {@code kid} was signed with; a token without one is the current key's. */
    public Optional<PublicKey> verificationKey(String keyId) {
        if (keyId == null) {
            return Optional.of(keys.get(0).getPublicKey());
        }
        return keys.stream().filter(key -> key.getKeyId().equals(keyId)).findFirst().map(RsaJsonWebKey::getPublicKey);
    }

    /** The JSON Web Key Set of the current key and those published besides it, public halves only. */
    public String jwks() {
        return new JsonWebKeySet(keys).toJson();
    }

    private static RsaJsonWebKey read(String location) {
        try {
            String pem = ResourceUtils.readResource(location);
            if (pem == null) {
                throw new IOException("nothing there");
            }
            RsaJsonWebKey key = new RsaJsonWebKey((RSAPublicKey) KeyUtils.decodePublicKey(pem));
            key.setKeyId(key.calculateBase64urlEncodedThumbprint("SHA-256"));
            key.setUse("sig");
            key.setAlgorithm("RS256");
            return key;
        } catch (IOException | GeneralSecurityException | ClassCastException e) {
            throw new IllegalStateException("cannot read the RSA public key at " + location + ": " + e.getMessage(), e);
        }
    }
}
