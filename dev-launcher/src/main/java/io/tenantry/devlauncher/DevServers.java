package io.tenantry.devlauncher;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;

import org.flywaydb.core.Flyway;

import io.tenantry.schema.MetadataSchema;
import io.tenantry.servers.JwtKeys;
import io.tenantry.servers.LocalServers;
import io.tenantry.servers.PostgresEndpoint;

/**
 * {@code ./run.sh --servers-only}: what the services' Quarkus dev mode ({@code ./mvnw quarkus:dev}) expects to find,
 * at the fixed addresses their {@code %dev} configuration names: PostgreSQL on port 55432 with the metadata database
 * migrated and the service roles signed in with their dev passwords, Redis on 56379, and a signing key pair, all
 * under {@code .tenantry/dev/} (apart from what {@code ./run.sh} keeps). Ctrl-C stops the servers.
 */
public final class DevServers {

    static final int POSTGRES_PORT = 55432;
    static final int REDIS_PORT = 56379;
    /** The %dev profiles name these passwords; they open only servers on this machine's loopback. */
    static final String ROLE_PASSWORD_PREFIX = "dev-only-password-";

    private DevServers() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Path state = Files.createDirectories(root.resolve(".tenantry").resolve("dev"));
        DevPlatform.step("starting PostgreSQL on port " + POSTGRES_PORT + " and Redis on port " + REDIS_PORT
                + " (data in " + state.resolve("data") + ")");
        LocalServers servers = LocalServers.start(1, state.resolve("data"), 400, POSTGRES_PORT, REDIS_PORT);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            servers.close();
            DevPlatform.step("stopped");
            stopped.countDown();
        }));
        JwtKeys keys = JwtKeys.reuseOrGenerate(state.resolve("keys"));
        PostgresEndpoint postgres = servers.postgres(0);
        postgres.createDatabaseIfMissing(LocalPlatform.METADATA_DATABASE);
        for (String role : new String[] {MetadataSchema.PROVISIONER_ROLE, MetadataSchema.RESULTS_ROLE}) {
            postgres.ensureLoginRole(role, ROLE_PASSWORD_PREFIX + role);
        }
        // Migrated here too, so the services' dev modes may start in any order.
        Flyway.configure().dataSource(postgres.jdbcUrl(LocalPlatform.METADATA_DATABASE), postgres.superuser(),
                postgres.superuserPassword()).locations(MetadataSchema.LOCATION).load().migrate();
        System.out.printf("""

                Servers for Quarkus dev mode are running.

                  PostgreSQL  %s (superuser postgres, trusted on loopback)
                  Redis       %s
                  keys        %s

                In another terminal each, run a service in dev mode (live reload, Dev UI at /q/dev-ui, Swagger UI at
                /q/swagger-ui; sign in there with admin@tenantry.local / dev-only-admin-password):
                  ./mvnw quarkus:dev -pl metadata-service      # http://localhost:8081
                  ./mvnw quarkus:dev -pl tenant-provisioner    # http://localhost:8083
                  ./mvnw quarkus:dev -pl results-service       # http://localhost:8082

                Press Ctrl-C to stop the servers.
                %n""", postgres.jdbcUrl(LocalPlatform.METADATA_DATABASE), servers.redisUrl(), keys.privateKey().getParent());
        stopped.await();
    }
}
