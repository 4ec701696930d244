package io.tenantry.common.revocation;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;
import jakarta.json.JsonString;

import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * The one place each service turns a bearer token into a caller: verified, and then refused (401) when its
 * subject's or its organization's tokens issued before a later time were taken back. A service that verifies
 * differently overrides {@link #verify} with a higher priority.
 */
@Alternative
@Priority(1)
@Singleton
public class RevocationCheckingTokens extends JWTCallerPrincipalFactory {

    private final JWTCallerPrincipalFactory verifier = new DefaultJWTCallerPrincipalFactory();
    private final TokenRevocations revocations;

    public RevocationCheckingTokens(TokenRevocations revocations) {
        this.revocations = revocations;
    }

    @Override
    public final JWTCallerPrincipal parse(String token, JWTAuthContextInfo context) throws ParseException {
        JWTCallerPrincipal principal = verify(token, context);
        if (revocations.refuses(principal.getSubject(), organization(principal), principal.getIssuedAtTime())) {
            throw new ParseException("the token was revoked");
        }
        return principal;
    }

    /** Checks the signature, issuer and lifetime. */
    protected JWTCallerPrincipal verify(String token, JWTAuthContextInfo context) throws ParseException {
        return verifier.parse(token, context);
    }

    private static String organization(JWTCallerPrincipal principal) {
        Object claim = principal.getClaim("org");
        return claim instanceof JsonString string ? string.getString() : claim == null ? null : claim.toString();
    }
}
