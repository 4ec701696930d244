package io.tenantry.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;

/**
 * A service's configuration as the prod profile sees it, from its own application.properties alone (no test
 * resources, no environment), for tests that check the prod profile has no default for any secret and insists on
 * TLS; {@link #of(String, Class)} reads another profile the same way, to show it was left as it was.
 */
public final class ProdProfile {

    /** Where the prod profile expects the CA of the PostgreSQL servers' certificates unless told otherwise. */
    public static final String DATABASE_CA_FILE = "/secrets/postgres-ca/ca.crt";

    private ProdProfile() {
    }

    public static SmallRyeConfig of(Class<?> anyClassOfTheService) {
        return of("prod", anyClassOfTheService);
    }

    public static SmallRyeConfig of(String profile, Class<?> anyClassOfTheService) {
        try {
            return new SmallRyeConfigBuilder()
                    .withProfile(profile)
                    .addDefaultInterceptors()
                    .withSources(new PropertiesConfigSource(anyClassOfTheService.getResource("/application.properties"), 250))
                    .build();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The JDBC datasource (and Flyway on it) asks for verify-full against the mounted CA. */
    public static void assertJdbcTlsVerified(SmallRyeConfig prod) {
        assertEquals("verify-full", prod.getValue("quarkus.datasource.jdbc.additional-jdbc-properties.sslmode", String.class));
        assertEquals(DATABASE_CA_FILE,
                prod.getValue("quarkus.datasource.jdbc.additional-jdbc-properties.sslrootcert", String.class));
    }

    /** The Redis client speaks TLS, trusts only the mounted CA and checks Redis's host name against its certificate. */
    public static void assertRedisTlsVerified(SmallRyeConfig prod) {
        assertTrue(prod.getValue("quarkus.redis.tls.enabled", Boolean.class), "Redis TLS");
        assertTrue(prod.getValue("quarkus.redis.tls.trust-certificate-pem", Boolean.class), "Redis CA");
        // The CA file is named by the deployment (TENANTRY_REDIS_CA_FILE, which ManifestTest checks is mounted):
        // a default path would be read even with TLS off.
        assertTrue(prod.getOptionalValue("quarkus.redis.tls.trust-certificate-pem.certs", String.class).isEmpty(),
                "no Redis CA file unless the deployment names one");
        assertEquals("HTTPS", prod.getValue("quarkus.redis.tls.hostname-verification-algorithm", String.class));
    }

    /** Health, metrics and OpenAPI are on the management interface, not the public port. */
    public static void assertManagementInterfaceEnabled(SmallRyeConfig prod) {
        assertTrue(prod.getValue("quarkus.management.enabled", Boolean.class), "management interface");
    }

    /** The dev and test profiles keep plain connections to their local servers and everything on the main port. */
    public static void assertDevAndTestProfilesUnchanged(Class<?> anyClassOfTheService, String... tlsKeys) {
        for (String profile : new String[] {"dev", "test"}) {
            SmallRyeConfig config = of(profile, anyClassOfTheService);
            for (String key : tlsKeys) {
                assertTrue(config.getOptionalValue(key, String.class).isEmpty(), profile + ": " + key);
            }
            for (String key : new String[] {"quarkus.redis.tls.enabled", "quarkus.management.enabled"}) {
                assertTrue(config.getOptionalValue(key, String.class).isEmpty(), profile + ": " + key);
            }
        }
    }
}
