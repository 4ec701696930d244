package io.tenantry.devlauncher;

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
        String adminPassword = adminPassword(state);

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
        services.add(launch(root.resolve("metadata-service/target/quarkus-app/quarkus-run.jar"), env,
                state.resolve("metadata-service.log")));
        waitUntilReady("http://localhost:" + METADATA_PORT + "/q/health/ready", Duration.ofMinutes(2));

        System.out.printf("""

                Tenantry is running.
                  metadata-service   http://localhost:%1$d   (OpenAPI: http://localhost:%1$d/q/openapi)
                  health             http://localhost:%1$d/q/health/ready
                  platform admin     admin@tenantry.local / %2$s
                  logs               %3$s

                Try:
                  curl -s -d grant_type=password -d username=admin@tenantry.local -d password='%2$s' \\
                       http://localhost:%1$d/api/v1/auth/token

                Press Ctrl-C to stop.
                %n""", METADATA_PORT, adminPassword, state);
        for (Process p : services) {
            p.waitFor();
        }
    }

    private static Process launch(Path jar, Map<String, String> env, Path log) throws IOException {
        if (!Files.exists(jar)) {
            throw new IllegalStateException(jar + " is missing; build first with ./mvnw -DskipTests install");
        }
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-jar", jar.toString());
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

    /** The local administrator's password: random on first run, kept in .tenantry/ so it survives restarts. */
    private static String adminPassword(Path state) throws IOException {
        Path file = state.resolve("admin-password");
        if (Files.exists(file)) {
            return Files.readString(file).trim();
        }
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        Files.writeString(file, password);
        return password;
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
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
