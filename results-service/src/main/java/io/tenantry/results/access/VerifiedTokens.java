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
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTCallerPrincipal;
import io.smallrye.jwt.auth.principal.ParseException;
import io.tenantry.common.revocation.RevocationCheckingTokens;
import io.tenantry.common.revocation.TokenRevocations;
import io.tenantry.results.config.ResultsConfig;

/**
 * Verifies each distinct token once. A client sends the same token with every request for its whole life, and
 * checking its RS256 signature and parsing its claims cost about 40 % of the CPU of a read; a token seen before,
 * byte for byte, is answered from memory until the moment it expires, so nothing is accepted that the verifier
 * would refuse. The service verifies every token with the same key and issuer, so the token alone is the key.
 * Whether a remembered token was revoked since is checked on every use, after this.
 */
@Alternative
@Priority(2)
@Singleton
public class VerifiedTokens extends RevocationCheckingTokens {

    private final Cache<String, JWTCallerPrincipal> verified;

    VerifiedTokens(ResultsConfig config, MeterRegistry registry, TokenRevocations revocations) {
        super(revocations);
        verified = Caffeine.newBuilder().maximumSize(config.auth().verifiedTokens())
                .expireAfter(new UntilTokenExpiry()).recordStats().build();
        CaffeineCacheMetrics.monitor(registry, verified, "verified-tokens");
    }

    @Override
    protected JWTCallerPrincipal verify(String token, JWTAuthContextInfo context) throws ParseException {
        JWTCallerPrincipal known = verified.getIfPresent(token);
        if (known != null && secondsLeft(known) > 0) {
            return known;
        }
        JWTCallerPrincipal principal = super.verify(token, context);
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
