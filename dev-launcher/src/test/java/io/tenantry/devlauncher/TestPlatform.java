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
 * The whole platform as ./run.sh starts it (the services' packaged jars, prod profile, two tenant servers) on the
 * usual ports plus an offset, for the tests that need it (this module's, and the CLI's through this module's test
 * jar). {@link #shared()} is the one this module's tests share, started on first use and stopped when the test JVM
 * ends, so the console's browser test and the dashboards' test pay one start (each costs a minute or two); its ports
 * are the usual ones plus {@link #PORT_OFFSET} (8381 to 8383, management 9381 to 9383), so a ./run.sh platform or the
 * CLI's test platform (plus 100) may run beside it.
 */
public final class TestPlatform implements AutoCloseable {

    static final int PORT_OFFSET = 300;
    static final String ADMIN = "admin@tenantry.local";
    static final Path ROOT = Path.of(System.getProperty("tenantry.root", "..")).toAbsolutePath().normalize();
    static final Path TARGET = Path.of("target").toAbsolutePath();

    private static TestPlatform shared;

    final String adminPassword = secret();
    final Path state;
    final Api api;
    private final int portOffset;
    private final LocalServers servers;
    private final LocalPlatform platform;

    private TestPlatform(int portOffset, String admin) throws IOException, InterruptedException {
        this.portOffset = portOffset;
        api = new Api(portOffset);
        platform = new LocalPlatform(portOffset);
        refuseTakenPorts(portOffset);
        state = Files.createTempDirectory(Files.createDirectories(TARGET), "test-platform-");
        servers = LocalServers.start(2, null);
        Runtime.getRuntime().addShutdownHook(new Thread(this::close, "test-platform-stop"));
        Map<String, PostgresEndpoint> tenantServers = new LinkedHashMap<>();
        tenantServers.put("local", servers.postgres(0));
        tenantServers.put("local-2", servers.postgres(1));
        platform.start(servers, new LocalPlatform.Settings(ROOT, state, tenantServers,
                JwtKeys.generate(state.resolve("keys")), secret() + secret(),
                Map.of("TENANTRY_AUTH_BOOTSTRAP_ADMIN_EMAIL", admin,
                        "TENANTRY_AUTH_BOOTSTRAP_ADMIN_PASSWORD", adminPassword), Map.of()),
                step -> System.out.println("[test-platform] " + step));
    }

    /**
     * A platform of the caller's own on the usual ports plus {@code portOffset}, with {@code admin} as its first
     * administrator; {@link #close()} (or the end of the JVM) stops it.
     */
    public static TestPlatform start(int portOffset, String admin) throws IOException, InterruptedException {
        return new TestPlatform(portOffset, admin);
    }

    /** This module's shared platform, started now if no test has yet. */
    static synchronized TestPlatform shared() throws IOException, InterruptedException {
        if (shared == null) {
            shared = new TestPlatform(PORT_OFFSET, ADMIN);
        }
        return shared;
    }

    public String adminPassword() {
        return adminPassword;
    }

    /** The public URL of the service usually on {@code usualPort} (e.g. {@link LocalPlatform#PROVISIONER_PORT}). */
    public String url(int usualPort) {
        return LocalPlatform.url(usualPort + portOffset);
    }

    String adminToken(String admin) throws IOException, InterruptedException {
        return api.token(Map.of("grant_type", "password", "username", admin, "password", adminPassword));
    }

    static String secret() {
        byte[] bytes = new byte[18];
        new SecureRandom().nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }

    @Override
    public void close() {
        platform.close();
        servers.close();
    }

    private static void refuseTakenPorts(int portOffset) {
        for (int usual : List.of(LocalPlatform.METADATA_PORT, LocalPlatform.RESULTS_PORT,
                LocalPlatform.PROVISIONER_PORT)) {
            for (int port : List.of(usual + portOffset, LocalPlatform.managementPort(usual + portOffset))) {
                try (ServerSocket probe = new ServerSocket(port)) {
                    probe.setReuseAddress(true);
                } catch (BindException taken) {
                    throw new IllegalStateException("port " + port + " is taken (another test's platform?); stop it"
                            + " first", taken);
                } catch (IOException e) {
                    throw new IllegalStateException("cannot probe port " + port, e);
                }
            }
        }
    }
}
