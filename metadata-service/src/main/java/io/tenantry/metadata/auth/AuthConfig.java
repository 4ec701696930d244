package io.tenantry.metadata.auth;

import java.time.Duration;
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

    /** bcrypt work factor for new password hashes. */
    @WithDefault("11")
    int bcryptCost();

    RateLimit rateLimit();

    /** An optional first platform administrator, created at start if no user has that email. */
    BootstrapAdmin bootstrapAdmin();

    interface RateLimit {
        /** Failures are counted over this window; the block lasts until the window ends. */
        @WithDefault("15M")
        Duration window();

        @WithDefault("5")
        int maxFailuresPerAccount();

        @WithDefault("20")
        int maxFailuresPerAddress();
    }

    interface BootstrapAdmin {
        Optional<String> email();

        Optional<String> password();
    }
}
