package io.tenantry.provisioner.servers;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.testing.ConfigStub;

/** The administrative JDBC URLs carry the configured TLS settings unless a server's own URL says otherwise. */
class TenantServersTest {

    private static final String CA = "/secrets/postgres-ca/ca.crt";
    private static final String ENCODED_CA = "%2Fsecrets%2Fpostgres-ca%2Fca.crt";

    @Test
    void tlsSettingsAreAddedToEveryAdministrativeUrl() {
        TenantServers servers = servers("jdbc:postgresql://pg-a:5432/postgres", Optional.of("verify-full"),
                Optional.of(CA));
        assertEquals("jdbc:postgresql://pg-a:5432/postgres?sslmode=verify-full&sslrootcert=" + ENCODED_CA,
                servers.withTls(servers.get("a").jdbcUrl()));
        assertEquals("jdbc:postgresql://pg-a:5432/results_x?sslmode=verify-full&sslrootcert=" + ENCODED_CA,
                servers.databaseUrl("a", "results_x"));
    }

    @Test
    void aServersOwnParametersWin() {
        TenantServers servers = servers("jdbc:postgresql://pg-a:5432/postgres?connectTimeout=5&sslmode=require",
                Optional.of("verify-full"), Optional.of(CA));
        assertEquals("jdbc:postgresql://pg-a:5432/results_x?connectTimeout=5&sslmode=require&sslrootcert=" + ENCODED_CA,
                servers.databaseUrl("a", "results_x"));
    }

    @Test
    void withoutTlsSettingsTheUrlIsAsConfigured() {
        TenantServers servers = servers("jdbc:postgresql://pg-a:5432/postgres", Optional.empty(), Optional.empty());
        assertEquals("jdbc:postgresql://pg-a:5432/results_x", servers.databaseUrl("a", "results_x"));
    }

    private static TenantServers servers(String jdbcUrl, Optional<String> sslMode, Optional<String> caFile) {
        ProvisionerConfig.Server server = ConfigStub.of(ProvisionerConfig.Server.class, Map.of("jdbcUrl", jdbcUrl));
        ProvisionerConfig.TenantTls tls = ConfigStub.of(ProvisionerConfig.TenantTls.class,
                Map.of("sslMode", sslMode, "caFile", caFile));
        TenantServers servers = new TenantServers();
        servers.config = ConfigStub.of(ProvisionerConfig.class,
                Map.of("servers", Map.of("a", server), "tenantTls", tls));
        return servers;
    }
}
