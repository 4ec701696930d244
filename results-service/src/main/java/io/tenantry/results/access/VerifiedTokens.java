package io.tenantry.results.access;

import java.time.Duration;
import java.time.Instant;

import jakarta.annotation.Priority;
import jakarta.enterprise.inject.Alternative;
import jakarta.inject.Singleton;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.cache.CaffeineCacheMetrics;
import io.smallrye.jwt.auth.principal.DefaultJWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipalFactory;
import io.smallrye.jwt.auth.principal.ParseException;
import io.tenantry.results.config.ResultsConfig;

/**
 * Verifies each distinct token once. A client sends the same token with every request for its whole life, and
 * checking its RS256 signature and parsing its claims cost about 40 % of the CPU of a read; a token seen before,
 * byte for byte, is answered from memory until the moment it expires, so nothing is accepted that the verifier
 * would refuse. The service verifies every token with the same key and issuer, so the token alone is the key.
 */
@Alternative
@Priority(1)
@Singleton
public class VerifiedTokens extends JWTCallerPrincipalFactory {

    private final JWTCallerPrincipalFactory verifier = new DefaultJWTCallerPrincipalFactory();
    private final Cache<String, JWTCallerPrincipal> verified;

    VerifiedTokens(ResultsConfig config, MeterRegistry registry) {
        verified = Caffeine.newBuilder().maximumSize(config.auth().verifiedTokens())
                .expireAfter(new UntilTokenExpiry()).recordStats().build();
        CaffeineCacheMetrics.monitor(registry, verified, "verified-tokens");
    }

    @Override
    public JWTCallerPrincipal parse(String token, JWTAuthContextInfo context) throws ParseException {
        JWTCallerPrincipal known = verified.getIfPresent(token);
        if (known != null && secondsLeft(known) > 0) {
            return known;
        }
        JWTCallerPrincipal principal = verifier.parse(token, context);
        verified.put(token, principal);
        return principal;
    }

    private static long secondsLeft(JWTCallerPrincipal principal) {
        return principal.getExpirationTime() - Instant.now().getEpochSecond();
    }

    private static final class UntilTokenExpiry implements Expiry<String, JWTCallerPrincipal> {

        @Override
        public long expireAfterCreate(String token, JWTCallerPrincipal principal, long now) {
            return Duration.ofSeconds(Math.max(0, secondsLeft(principal))).toNanos();
        }

        @Override
        public long expireAfterUpdate(String token, JWTCallerPrincipal principal, long now, long remaining) {
            return expireAfterCreate(token, principal, now);
        }

        @Override
        public long expireAfterRead(String token, JWTCallerPrincipal principal, long now, long remaining) {
            return remaining;
        }
    }
}
