package io.tenantry.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.NoSuchElementException;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.smallrye.config.SmallRyeConfig;
import io.tenantry.testing.ProdProfile;

/**
 * The prod profile takes every secret from the environment and has no fallback for any of them, and connects to
 * PostgreSQL and Redis over verified TLS unless told otherwise.
 */
class ProdProfileTest {

    private static SmallRyeConfig prod() {
        return ProdProfile.of(ProdProfileTest.class);
    }

    @Test
    void signingAndVerificationKeysHaveNoDefault() {
        SmallRyeConfig config = prod();
        assertThrows(NoSuchElementException.class, () -> config.getValue("smallrye.jwt.sign.key.location", String.class));
        assertThrows(NoSuchElementException.class, () -> config.getValue("mp.jwt.verify.publickey.location", String.class));
    }

    @Test
    void databaseAndRedisCredentialsHaveNoDefault() {
        SmallRyeConfig config = prod();
        for (String key : new String[] {"quarkus.datasource.jdbc.url", "quarkus.datasource.username",
                "quarkus.datasource.password", "quarkus.redis.hosts"}) {
            assertThrows(NoSuchElementException.class, () -> config.getValue(key, String.class), key);
        }
    }

    @Test
    void databaseAndRedisConnectionsAreVerifiedTls() {
        SmallRyeConfig config = prod();
        ProdProfile.assertJdbcTlsVerified(config);
        ProdProfile.assertRedisTlsVerified(config);
        ProdProfile.assertManagementInterfaceEnabled(config);
    }

    @Test
    void devAndTestProfilesAreUnchanged() {
        ProdProfile.assertDevAndTestProfilesUnchanged(ProdProfileTest.class,
                "quarkus.datasource.jdbc.additional-jdbc-properties.sslmode");
    }

    @Test
    void testOnlyValuesStayInTheTestProfile() {
        SmallRyeConfig config = prod();
        assertEquals(Optional.empty(),
                config.getOptionalValue("tenantry.auth.bootstrap-admin.password", String.class));
    }
}
