package io.tenantry.devlauncher;

import java.util.concurrent.TimeUnit;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;

import io.tenantry.testing.JwtKeys;
import io.tenantry.testing.LocalServers;
import io.tenantry.testing.PostgresEndpoint;

/**
 * The README's run command: PostgreSQL and Redis (configured, or embedded with data under {@code .tenantry/}),
 * a signing key pair, then metadata-service, waiting until it is ready. Ctrl-C stops everything it started.
 */
public final class DevPlatform {

    private static final String METADATA_DATABASE = "tenantry_metadata";
    private static final int METADATA_PORT = 8081;
    private static final int PROVISIONER_PORT = 8083;

    private DevPlatform() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Path state = root.resolve(".tenantry");
        Files.createDirectories(state);

        step("starting PostgreSQL and Redis (data in " + state + ")");
        LocalServers servers = LocalServers.start(1, state.resolve("postgres"));
        PostgresEndpoint pg = servers.postgres(0);
        pg.createDatabaseIfMissing(METADATA_DATABASE);
        JwtKeys keys = JwtKeys.reuseOrGenerate(state.resolve("keys"));
        String adminPassword = secret(state.resolve("admin-password"), 18);
        String masterSecret = secret(state.resolve("tenant-master-secret"), 36);

        List<Process> services = new ArrayList<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            step("stopping");
            services.forEach(DevPlatform::stop);
            servers.close();
        }));

        step("starting metadata-service on port " + METADATA_PORT);
        Map<String, String> env = Map.of(
                "TENANTRY_METADATA_JDBC_URL", pg.jdbcUrl(METADATA_DATABASE),
                "TENANTRY_METADATA_DB_USER", pg.superuser(),
                "TENANTRY_METADATA_DB_PASSWORD", pg.superuserPassword(),
                "TENANTRY_REDIS_URL", servers.redisUrl(),
                "TENANTRY_JWT_PRIVATE_KEY_LOCATION", keys.privateKey().toUri().toString(),
                "TENANTRY_JWT_PUBLIC_KEY_LOCATION", keys.publicKey().toUri().toString(),
                "TENANTRY_AUTH_BOOTSTRAP_ADMIN_EMAIL", "admin@tenantry.local",
                "TENANTRY_AUTH_BOOTSTRAP_ADMIN_PASSWORD", adminPassword);
        services.add(launch(root.resolve("metadata-service/target/quarkus-app/quarkus-run.jar"), env, List.of(),
                state.resolve("metadata-service.log")));
        waitUntilReady("http://localhost:" + METADATA_PORT + "/q/health/ready", Duration.ofMinutes(2));

        step("starting tenant-provisioner on port " + PROVISIONER_PORT);
        Map<String, String> provisionerEnv = Map.of(
                "TENANTRY_METADATA_JDBC_URL", pg.jdbcUrl(METADATA_DATABASE),
                "TENANTRY_PROVISIONER_DB_USER", pg.superuser(),
                "TENANTRY_PROVISIONER_DB_PASSWORD", pg.superuserPassword(),
                "TENANTRY_REDIS_URL", servers.redisUrl(),
                "TENANTRY_TENANT_MASTER_SECRET", masterSecret,
                "TENANTRY_EXPORT_DIRECTORY", state.resolve("exports").toString(),
                "TENANTRY_JWT_PUBLIC_KEY_LOCATION", keys.publicKey().toUri().toString());
        List<String> tenantServer = List.of(
                "-Dtenantry.provisioner.servers.local.jdbc-url=" + pg.jdbcUrl("postgres"),
                "-Dtenantry.provisioner.servers.local.admin-user=" + pg.superuser(),
                "-Dtenantry.provisioner.servers.local.admin-password=" + pg.superuserPassword(),
                "-Dtenantry.provisioner.servers.local.region=local");
        services.add(launch(root.resolve("tenant-provisioner/target/quarkus-app/quarkus-run.jar"), provisionerEnv,
                tenantServer, state.resolve("tenant-provisioner.log")));
        waitUntilReady("http://localhost:" + PROVISIONER_PORT + "/q/health/ready", Duration.ofMinutes(2));

        System.out.printf("""

                Tenantry is running.
                  metadata-service   http://localhost:%1$d   (OpenAPI: http://localhost:%1$d/q/openapi)
                  tenant-provisioner http://localhost:%4$d   (tenants in region "local" are provisioned here)
                  health             http://localhost:%1$d/q/health/ready
                  platform admin     admin@tenantry.local / %2$s
                  logs               %3$s

                Try:
                  TOKEN=$(curl -s -d grant_type=password -d username=admin@tenantry.local -d password='%2$s' \\
                       http://localhost:%1$d/api/v1/auth/token | sed 's/.*"access_token":"\\([^"]*\\)".*/\\1/')
                  curl -s -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \\
                       -d '{"orgId":"acme","displayName":"Acme Labs","region":"local"}' http://localhost:%1$d/api/v1/orgs
                  curl -s -H "Authorization: Bearer $TOKEN" http://localhost:%1$d/api/v1/orgs/acme

                Press Ctrl-C to stop.
                %n""", METADATA_PORT, adminPassword, state, PROVISIONER_PORT);
        for (Process p : services) {
            p.waitFor();
        }
    }

    private static Process launch(Path jar, Map<String, String> env, List<String> jvmArgs, Path log)
            throws IOException {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing; build first with ./mvnw -DskipTests install");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmArgs);
        command.add("-jar");
        command.add(jar.toString());
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        return builder.start();
    }

    private static void waitUntilReady(String url, Duration timeout) throws InterruptedException {
        HttpClient http = HttpClient.newHttpClient();
        Instant deadline = Instant.now().plus(timeout);
        while (Instant.now().isBefore(deadline)) {
            try {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() == 200) {
                    step("ready: " + url);
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException(url + " did not become ready within " + timeout);
    }

    /** A local secret: random on first run, kept in .tenantry/ so it survives restarts. */
    private static String secret(Path file, int bytesOfRandomness) throws IOException {
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        byte[] bytes = new byte[bytesOfRandomness];
        new SecureRandom().nextBytes(bytes);
        String secret = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Files.writeString(file, secret);
        return secret;
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static void step(String message) {
        System.out.println("[tenantry] " + message);
    }
}
