package io.tenantry.metadata.security;

import java.security.PublicKey;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import org.jose4j.jwx.JsonWebStructure;
import org.jose4j.lang.JoseException;

import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.ParseException;
import io.tenantry.common.revocation.RevocationCheckingTokens;
import io.tenantry.common.revocation.TokenRevocations;

/**
 * metadata-service verifies its own tokens with the key their {@code kid} names, of those it publishes, so a token
 * signed before a key rotation keeps working here as it does on the services that read the JWKS.
 */
@Alternative
@Priority(2)
@Singleton
public class SigningKeyTokens extends RevocationCheckingTokens {

    private final SigningKeys keys;

    SigningKeyTokens(TokenRevocations revocations, SigningKeys keys) {
        super(revocations);
        this.keys = keys;
    }

    @Override
    protected JWTCallerPrincipal verify(String token, JWTAuthContextInfo context) throws ParseException {
        PublicKey key = keys.verificationKey(keyId(token))
                .orElseThrow(() -> new ParseException("the token was signed with a key this service does not know"));
        JWTAuthContextInfo withKey = new JWTAuthContextInfo(context);
        withKey.setPublicKeyLocation(null);
        withKey.setPublicVerificationKey(key);
        return super.verify(token, withKey);
    }

    private static String keyId(String token) throws ParseException {
        try {
            return JsonWebStructure.fromCompactSerialization(token).getKeyIdHeaderValue();
        } catch (JoseException e) {
            throw new ParseException("not a signed token: " + e.getMessage(), e);
        }
    }
}
