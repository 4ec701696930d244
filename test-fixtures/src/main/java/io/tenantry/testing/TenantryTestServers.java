package io.tenantry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.tenantry.servers.JwtKeys;
import io.tenantry.servers.LocalServers;
import io.tenantry.servers.PostgresEndpoint;

/**
 * The one test resource every module uses: real PostgreSQL (the metadata database on server 0, and as many
 * servers as the {@code postgres-servers} init argument asks for), a real Redis, and a throw-away JWT key pair.
 */
public class TenantryTestServers implements QuarkusTestResourceLifecycleManager {

    public static final String METADATA_DATABASE = "tenantry_metadata";

    /**
     * The roles the provisioner and results-service sign in to the metadata database as; the metadata migrations
     * grant them what they may do. Their password is this prefix and the role's name (the %test profiles say so).
     */
    public static final List<String> SERVICE_ROLES = List.of("tenantry_provisioner", "tenantry_results");
    public static final String SERVICE_ROLE_PASSWORD_PREFIX = "test-only-password-";

    private static LocalServers servers;
    private static JwksServer jwks;
    private int postgresCount = 1;
    private String metadataMigrations;
    private String metadataRole;
    private boolean servesJwks;

    /**
     * {@code postgres-servers}: how many servers (default 1); {@code metadata-migrations}: a Flyway location whose
     * migrations are applied to the metadata database first, for services that read tables another service owns;
     * {@code metadata-role}: one of {@link #SERVICE_ROLES}, the role the service signs in to the metadata database
     * as (the superuser, metadata's owner, if none is named); {@code jwks} "true": the service verifies tokens
     * against a JSON Web Key Set served as metadata-service serves it ({@link #jwks()}), not the public key file.
     */
    @Override
    public void init(Map<String, String> initArgs) {
        postgresCount = Integer.parseInt(initArgs.getOrDefault("postgres-servers", "1"));
        metadataMigrations = initArgs.get("metadata-migrations");
        metadataRole = initArgs.get("metadata-role");
        servesJwks = Boolean.parseBoolean(initArgs.getOrDefault("jwks", "false"));
        if (metadataRole != null && !SERVICE_ROLES.contains(metadataRole)) {
            throw new IllegalArgumentException("metadata-role must be one of " + SERVICE_ROLES);
        }
    }

    @Override
    public Map<String, String> start() {
        servers = LocalServers.start(postgresCount, null);
        PostgresEndpoint primary = servers.postgres(0);
        primary.createDatabaseIfMissing(METADATA_DATABASE);
        SERVICE_ROLES.forEach(role -> primary.ensureLoginRole(role, SERVICE_ROLE_PASSWORD_PREFIX + role));
        if (metadataMigrations != null) {
            org.flywaydb.core.Flyway.configure()
                    .dataSource(primary.jdbcUrl(METADATA_DATABASE), primary.superuser(), primary.superuserPassword())
                    .locations(metadataMigrations)
                    .load()
                    .migrate();
        }
        JwtKeys keys;
        try {
            keys = JwtKeys.generate(Files.createTempDirectory("tenantry-jwt"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Map<String, String> config = new HashMap<>();
        config.put("quarkus.datasource.jdbc.url", primary.jdbcUrl(METADATA_DATABASE));
        config.put("quarkus.datasource.username", metadataRole == null ? primary.superuser() : metadataRole);
        config.put("quarkus.datasource.password", metadataRole == null ? primary.superuserPassword()
                : SERVICE_ROLE_PASSWORD_PREFIX + metadataRole);
        config.put("quarkus.redis.hosts", servers.redisUrl());
        config.put("smallrye.jwt.sign.key.location", keys.privateKey().toUri().toString());
        config.put("mp.jwt.verify.publickey.location", keys.publicKey().toUri().toString());
        if (servesJwks) {
            jwks = new JwksServer(JwksServer.readPublicKey(keys.publicKey()));
            config.put("mp.jwt.verify.publickey.location", jwks.url());
        }
        for (int i = 0; i < servers.postgres().size(); i++) {
            PostgresEndpoint pg = servers.postgres(i);
            config.put("tenantry.test.postgres." + i + ".host", pg.host());
            config.put("tenantry.test.postgres." + i + ".port", Integer.toString(pg.port()));
        }
        return config;
    }

    /** The servers of the running test suite, for tests that inspect PostgreSQL or Redis directly. */
    public static LocalServers servers() {
        return servers;
    }

    /** The key set the service verifies against, when the {@code jwks} init argument asked for one. */
    public static JwksServer jwks() {
        return jwks;
    }

    @Override
    public void stop() {
        if (jwks != null) {
            jwks.close();
            jwks = null;
        }
        if (servers != null) {
            servers.close();
            servers = null;
        }
    }
}
