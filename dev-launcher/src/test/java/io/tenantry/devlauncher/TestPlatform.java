package io.tenantry.devlauncher;

import java.io.IOException;
import java.net.BindException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.tenantry.servers.JwtKeys;
import io.tenantry.servers.LocalServers;
import io.tenantry.servers.PostgresEndpoint;

/**
 * The whole platform as ./run.sh starts it (the services' packaged jars, prod profile, two tenant servers), for the
 * tests that need it: started on first use and stopped when the test JVM ends, so the console's browser test and the
 * dashboards' test share one start (each costs a minute or two). Its ports are the usual ones plus {@link #PORT_OFFSET}
 * (8381 to 8383, management 9381 to 9383), so a ./run.sh platform or another module's test platform may run beside it.
 */
final class TestPlatform {

    static final int PORT_OFFSET = 300;
    static final String ADMIN = "admin@tenantry.local";
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path TARGET = Path.of("target").toAbsolutePath();

    private static TestPlatform started;

    final String adminPassword = secret();
    final Path state;
    final Api api = new Api(PORT_OFFSET);
    private final LocalServers servers;
    private final LocalPlatform platform = new LocalPlatform(PORT_OFFSET);

    private TestPlatform() throws IOException, InterruptedException {
        refuseTakenPorts();
        state = Files.createTempDirectory(Files.createDirectories(TARGET), "test-platform-");
        servers = LocalServers.start(2, null);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            platform.close();
            servers.close();
        }, "test-platform-stop"));
        Map<String, PostgresEndpoint> tenantServers = new LinkedHashMap<>();
        tenantServers.put("local", servers.postgres(0));
        tenantServers.put("local-2", servers.postgres(1));
        platform.start(servers, new LocalPlatform.Settings(ROOT, state, tenantServers,
                JwtKeys.generate(state.resolve("keys")), secret() + secret(),
                Map.of("TENANTRY_AUTH_BOOTSTRAP_ADMIN_EMAIL", ADMIN,
                        "TENANTRY_AUTH_BOOTSTRAP_ADMIN_PASSWORD", adminPassword), Map.of()),
                step -> System.out.println("[test-platform] " + step));
    }

    /** The running platform, started now if no test has yet. */
    static synchronized TestPlatform get() throws IOException, InterruptedException {
        if (started == null) {
            started = new TestPlatform();
        }
        return started;
    }

    /** The public URL of the service usually on {@code usualPort} (e.g. {@link LocalPlatform#PROVISIONER_PORT}). */
    static String url(int usualPort) {
        return LocalPlatform.url(usualPort + PORT_OFFSET);
    }

    /** Where the service usually on {@code usualPort} serves health and metrics. */
    static String managementUrl(int usualPort) {
        return LocalPlatform.url(LocalPlatform.managementPort(usualPort + PORT_OFFSET));
    }

    String adminToken() throws IOException, InterruptedException {
        return api.token(Map.of("grant_type", "password", "username", ADMIN, "password", adminPassword));
    }

    static String secret() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    private static void refuseTakenPorts() {
        for (int usual : List.of(LocalPlatform.METADATA_PORT, LocalPlatform.RESULTS_PORT, LocalPlatform.PROVISIONER_PORT)) {
            for (int port : List.of(usual + PORT_OFFSET, LocalPlatform.managementPort(usual + PORT_OFFSET))) {
                try (ServerSocket probe = new ServerSocket(port)) {
                    probe.setReuseAddress(true);
                } catch (BindException taken) {
                    throw new IllegalStateException("port " + port + " is taken (another dev-launcher test run?)", taken);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot probe port " + port, e);
                }
            }
        }
    }
}
