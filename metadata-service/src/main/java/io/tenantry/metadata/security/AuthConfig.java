package io.tenantry.metadata.security;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "tenantry.auth")
public interface AuthConfig {

    /** The {@code iss} of every token; results-service checks it. */
    String issuer();

    /** How long an access token lives. */
    @WithDefault("15M")
    Duration tokenLifetime();

    /**
     * Public keys published in the JWKS and accepted besides the current one, during a signing key rotation: the next
     * key before it signs, the previous one until every token it signed has expired (docs/operations.md).
     */
    Optional<List<String>> publishedPublicKeyLocations();

    /** bcrypt work factor for new password hashes. */
    @WithDefault("11")
    int bcryptCost();

    /** Sign-in rate limiting, counted in Redis. */
    RateLimit rateLimit();

    /** An optional first platform administrator, created at start if no user has that email. */
    BootstrapAdmin bootstrapAdmin();

    interface RateLimit {
        /** Failures are counted over this window; the block lasts until the window ends. */
        @WithDefault("15M")
        Duration window();

        /** Failed sign-ins of one account within the window before it gets 429. */
        @WithDefault("5")
        int maxFailuresPerAccount();

        /** Failed sign-ins from one client address within the window before it gets 429. */
        @WithDefault("20")
        int maxFailuresPerAddress();
    }

    interface BootstrapAdmin {
        /** The administrator's email; with a password, the account is created at start unless it exists. */
        Optional<String> email();

        /** At least 12 characters; set it for the first start only, then remove it. */
        Optional<String> password();
    }
}
