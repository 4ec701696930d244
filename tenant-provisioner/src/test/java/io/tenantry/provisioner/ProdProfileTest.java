package io.tenantry.provisioner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.smallrye.config.SmallRyeConfig;
import io.tenantry.testing.ProdProfile;

/** The prod profile connects to the metadata database, the tenant servers and Redis over verified TLS. */
class ProdProfileTest {

    @Test
    void metadataTenantServerAndRedisConnectionsAreVerifiedTls() {
        SmallRyeConfig config = ProdProfile.of(ProdProfileTest.class);
        ProdProfile.assertJdbcTlsVerified(config);
        assertEquals(Optional.of("verify-full"),
                config.getOptionalValue("tenantry.provisioner.tenant-tls.ssl-mode", String.class));
        assertEquals(Optional.of(ProdProfile.DATABASE_CA_FILE),
                config.getOptionalValue("tenantry.provisioner.tenant-tls.ca-file", String.class));
        ProdProfile.assertRedisTlsVerified(config);
        ProdProfile.assertManagementInterfaceEnabled(config);
    }

    @Test
    void theConsoleSendsItsCookiesOverHttpsOnlyAndNeedsNoMetadataUrlToStart() {
        SmallRyeConfig config = ProdProfile.of(ProdProfileTest.class);
        assertEquals(Optional.of(true),
                config.getOptionalValue("tenantry.provisioner.console.secure-cookies", Boolean.class));
        // Processes started without TENANTRY_METADATA_URL (Jobs, other modules' tests) still start.
        assertEquals(Optional.empty(), config.getOptionalValue("tenantry.provisioner.console.metadata-url", String.class));
    }

    @Test
    void devAndTestProfilesAreUnchanged() {
        ProdProfile.assertDevAndTestProfilesUnchanged(ProdProfileTest.class,
                "quarkus.datasource.jdbc.additional-jdbc-properties.sslmode", "tenantry.provisioner.tenant-tls.ssl-mode");
    }
}
