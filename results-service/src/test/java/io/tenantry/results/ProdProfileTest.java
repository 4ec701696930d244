package io.tenantry.results;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.NoSuchElementException;

import org.junit.jupiter.api.Test;

import io.smallrye.config.SmallRyeConfig;
import io.tenantry.testing.ProdProfile;

/**
 * The prod profile takes every secret and every server from outside and has no fallback for any of them, and
 * connects to the metadata database, the tenant servers and Redis over verified TLS unless told otherwise.
 */
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
    void metadataTenantAndRedisConnectionsAreVerifiedTls() {
        SmallRyeConfig config = ProdProfile.of(ProdProfileTest.class);
        assertEquals("verify-full", config.getValue("quarkus.datasource.reactive.postgresql.ssl-mode", String.class));
        assertTrue(config.getValue("quarkus.datasource.reactive.trust-certificate-pem", Boolean.class));
        assertTrue(config.getOptionalValue("quarkus.datasource.reactive.trust-certificate-pem.certs", String.class)
                .isEmpty(), "the metadata pool's CA file is named by the deployment, or read even with TLS off");
        assertEquals("HTTPS", config.getValue("quarkus.datasource.reactive.hostname-verification-algorithm", String.class));
        assertEquals("verify-full", config.getValue("tenantry.results.tenant-tls.ssl-mode", String.class));
        assertEquals(ProdProfile.DATABASE_CA_FILE, config.getValue("tenantry.results.tenant-tls.ca-file", String.class));
        ProdProfile.assertRedisTlsVerified(config);
        ProdProfile.assertManagementInterfaceEnabled(config);
    }

    @Test
    void devAndTestProfilesAreUnchanged() {
        ProdProfile.assertDevAndTestProfilesUnchanged(ProdProfileTest.class,
                "quarkus.datasource.reactive.postgresql.ssl-mode", "tenantry.results.tenant-tls.ssl-mode");
    }

    @Test
    void noTenantServerIsConfiguredOutsideTests() {
        SmallRyeConfig config = ProdProfile.of(ProdProfileTest.class);
        for (String name : config.getPropertyNames()) {
            assertTrue(!name.startsWith("tenantry.results.servers."), name);
        }
    }
}
