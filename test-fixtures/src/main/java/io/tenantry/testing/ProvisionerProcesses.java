package io.tenantry.testing;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.tenantry.servers.LocalServers;
import io.tenantry.servers.PostgresEndpoint;

/**
 * The packaged tenant-provisioner ({@code quarkus-run.jar}) as an operating-system process against the running test
 * servers, configured the way production configures it: environment variables for the metadata database and Redis,
 * one system property per tenant server (all in region {@code eu-west}). The caller adds the master secret, the
 * backup directory and the JWT public key ({@code TENANTRY_TENANT_MASTER_SECRET}, {@code TENANTRY_BACKUP_DIRECTORY},
 * {@code TENANTRY_JWT_PUBLIC_KEY_LOCATION}) to the builder's environment.
 */
public final class ProvisionerProcesses {

    private ProvisionerProcesses() {
    }

    /**
     * A builder for {@code java <jvmOptions> -jar <jar> <args>}, signing in to the metadata database as
     * {@code metadataRole} (one of {@link TenantryTestServers#SERVICE_ROLES}).
     */
    public static ProcessBuilder builder(Path jar, String metadataRole, List<String> jvmOptions, List<String> args) {
        LocalServers servers = TenantryTestServers.servers();
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(jvmOptions);
        // The jar runs the prod profile, whose management interface has a fixed port; any free one will do here.
        command.add("-Dquarkus.management.port=0");
        for (PostgresEndpoint server : servers.postgres()) {
            String prefix = "-Dtenantry.provisioner.servers." + server.name();
            command.add(prefix + ".jdbc-url=" + server.jdbcUrl("postgres"));
            command.add(prefix + ".admin-user=" + server.superuser());
            command.add(prefix + ".region=eu-west");
            if (!server.superuserPassword().isEmpty()) {
                command.add(prefix + ".admin-password=" + server.superuserPassword());
            }
        }
        command.addAll(List.of("-jar", jar.toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.put("TENANTRY_METADATA_JDBC_URL", servers.postgres(0).jdbcUrl(TenantryTestServers.METADATA_DATABASE));
        env.put("TENANTRY_PROVISIONER_DB_USER", metadataRole);
        env.put("TENANTRY_PROVISIONER_DB_PASSWORD", TenantryTestServers.SERVICE_ROLE_PASSWORD_PREFIX + metadataRole);
        env.put("TENANTRY_REDIS_URL", servers.redisUrl());
        // The prod profile insists on TLS; the test servers speak plain TCP.
        env.put("TENANTRY_DB_SSL_MODE", "disable");
        env.put("TENANTRY_REDIS_TLS", "false");
        return builder;
    }
}
