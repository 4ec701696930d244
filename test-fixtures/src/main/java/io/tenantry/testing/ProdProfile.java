package io.tenantry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * A service's configuration as the prod profile sees it, from its own application.properties alone (no test
 * resources, no environment), for tests that check the prod profile has no default for any secret.
 */
public final class ProdProfile {

    private ProdProfile() {
    }

    public static SmallRyeConfig of(Class<?> anyClassOfTheService) {
        try {
            return new SmallRyeConfigBuilder()
                    .withProfile("prod")
                    .addDefaultInterceptors()
                    .withSources(new PropertiesConfigSource(anyClassOfTheService.getResource("/application.properties"), 250))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
