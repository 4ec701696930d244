package io.tenantry.results;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.NoSuchElementException;

import org.junit.jupiter.api.Test;

import io.smallrye.config.SmallRyeConfig;
import io.tenantry.testing.ProdProfile;

/** The prod profile takes every secret and every server from outside and has no fallback for any of them. */
class ProdProfileTest {

    @Test
    void secretsAndServersHaveNoDefault() {
        SmallRyeConfig config = ProdProfile.of(ProdProfileTest.class);
        for (String key : new String[] {"quarkus.datasource.reactive.url", "quarkus.datasource.username",
                "quarkus.datasource.password", "quarkus.redis.hosts", "tenantry.results.master-secret",
                "mp.jwt.verify.publickey.location"}) {
            assertThrows(NoSuchElementException.class, () -> config.getValue(key, String.class), key);
        }
    }

    @Test
    void noTenantServerIsConfiguredOutsideTests() {
        SmallRyeConfig config = ProdProfile.of(ProdProfileTest.class);
        for (String name : config.getPropertyNames()) {
            assertTrue(!name.startsWith("tenantry.results.servers."), name);
        }
    }
}
