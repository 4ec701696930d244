package io.tenantry.devlauncher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Map;

import io.tenantry.testing.JwtKeys;
import io.tenantry.testing.LocalServers;
import io.tenantry.testing.PostgresEndpoint;

/**
 * The README's run command: PostgreSQL and Redis (configured, or embedded with data under {@code .tenantry/}),
 * a signing key pair, then the three services, each waited for until it is ready. Ctrl-C stops everything it
 * started.
 */
public final class DevPlatform {

    private static final int METADATA_PORT = LocalPlatform.METADATA_PORT;
    private static final int PROVISIONER_PORT = LocalPlatform.PROVISIONER_PORT;

    private DevPlatform() {
    }

    public static void main(String[] args) throws Exception {
        Path root = Path.of(args.length > 0 ? args[0] : ".").toAbsolutePath().normalize();
        Path state = root.resolve(".tenantry");
        Files.createDirectories(state);

        step("starting PostgreSQL and Redis (data in " + state + ")");
        LocalServers servers = LocalServers.start(1, state.resolve("postgres"));
        PostgresEndpoint pg = servers.postgres(0);
        JwtKeys keys = JwtKeys.reuseOrGenerate(state.resolve("keys"));
        String adminPassword = secret(state.resolve("admin-password"), 18);
        String masterSecret = secret(state.resolve("tenant-master-secret"), 36);

        LocalPlatform.Settings settings = new LocalPlatform.Settings(root, state, Map.of("local", pg), keys,
                masterSecret, Map.of("TENANTRY_AUTH_BOOTSTRAP_ADMIN_EMAIL", "admin@tenantry.local",
                "TENANTRY_AUTH_BOOTSTRAP_ADMIN_PASSWORD", adminPassword), Map.of());
        LocalPlatform platform = LocalPlatform.start(servers, settings, DevPlatform::step);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            step("stopping");
            platform.close();
            servers.close();
        }));

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
        platform.awaitExit();
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

    private static void step(String message) {
        System.out.println("[tenantry] " + message);
    }
}
