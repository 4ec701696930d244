package io.tenantry.bench;

import java.io.IOException;
import java.net.BindException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.smallrye.jwt.build.Jwt;
import io.smallrye.jwt.util.KeyUtils;
import io.tenantry.devlauncher.Api;
import io.tenantry.devlauncher.LocalPlatform;
import io.tenantry.servers.JwtKeys;
import io.tenantry.servers.LocalServers;
import io.tenantry.servers.PostgresEndpoint;

/**
 * The platform under test: PostgreSQL servers and Redis (embedded with throw-away data, or the servers named by
 * {@code TENANTRY_PG_URLS} and {@code TENANTRY_REDIS_URL}), and the three services started from their jars,
 * exactly as the run command starts them. Also the calls a benchmark makes to set the stage.
 */
final class BenchPlatform implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    static final List<String> CLIENT = List.of("jobs:read", "jobs:submit", "jobs:cancel", "results:read");
    static final List<String> WORKER = List.of("jobs:read", "jobs:work", "results:read");

    final LocalServers servers;
    final LocalPlatform platform;
    final Path state;
    private final PrivateKey signingKey;
    private final String adminPassword;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final Api api = new Api();

    private BenchPlatform(LocalServers servers, LocalPlatform platform, Path state, PrivateKey signingKey,
                          String adminPassword) {
        this.servers = servers;
        this.platform = platform;
        this.state = state;
        this.signingKey = signingKey;
        this.adminPassword = adminPassword;
    }

    /** Two tenant servers (the first also holds the metadata database), and the services with these JVM options. */
    static BenchPlatform start(Path root, Path state, int maxConnectionsPerServer, Map<String, List<String>> jvmArgs)
            throws Exception {
        requireFreePorts();
        Files.createDirectories(state);
        LocalServers servers = LocalServers.start(2, null, maxConnectionsPerServer);
        LocalPlatform platform = null;
        try {
            JwtKeys keys = JwtKeys.generate(state.resolve("keys"));
            String adminPassword = UUID.randomUUID().toString();
            Map<String, PostgresEndpoint> tenantServers = new LinkedHashMap<>();
            servers.postgres().forEach(server -> tenantServers.put(server.name(), server));
            LocalPlatform.Settings settings = new LocalPlatform.Settings(root, state, tenantServers, keys,
                    "bench-master-secret-" + UUID.randomUUID(),
                    Map.of("TENANTRY_AUTH_BOOTSTRAP_ADMIN_EMAIL", "admin@bench.local",
                            "TENANTRY_AUTH_BOOTSTRAP_ADMIN_PASSWORD", adminPassword), jvmArgs);
            platform = new LocalPlatform();
            platform.start(servers, settings, step -> Bench.log(step));
            PrivateKey key = KeyUtils.decodePrivateKey(Files.readString(keys.privateKey()));
            return new BenchPlatform(servers, platform, state, key, adminPassword);
        } catch (Exception e) {
            if (platform != null) {
                platform.close();
            }
            servers.close();
            throw e;
        }
    }

    /**
     * Refuses to start beside another platform (a {@code ./run.sh}, or another bench): its services would answer
     * the readiness checks on the same ports, and the bench would measure, or drain, a platform not its own.
     */
    private static void requireFreePorts() throws IOException {
        for (int port : List.of(LocalPlatform.METADATA_PORT, LocalPlatform.RESULTS_PORT, LocalPlatform.PROVISIONER_PORT,
                TwoReplicas.SECOND_PORT, TwoReplicas.PROXY_PORT, TwoReplicas.PROXY_PORT + 1)) {
            try (ServerSocket probe = new ServerSocket(port)) {
                probe.setReuseAddress(true);
            } catch (BindException e) {
                throw new IllegalStateException("port " + port + " is taken: another platform is running here "
                        + "(./run.sh or another bench); stop it first", e);
            }
        }
    }

    /** A token as metadata-service issues it (same issuer, claims and key). */
    String token(String orgId, List<String> permissions) {
        String subject = "client:" + UUID.randomUUID();
        return Jwt.issuer("https://tenantry.io/metadata").subject(subject).upn(subject).groups(Set.of("client"))
                .claim("org", orgId).claim("permissions", permissions).expiresIn(Duration.ofHours(6).toSeconds())
                .jws().sign(signingKey);
    }

    String adminToken() throws IOException, InterruptedException {
        return api.token(Map.of("grant_type", "password", "username", "admin@bench.local", "password", adminPassword));
    }

    /** Onboards an organization through metadata-service, as an operator would, with roomy job quotas and these. */
    void onboard(String adminToken, String orgId, Map<String, Object> quotas) throws IOException, InterruptedException {
        Map<String, Object> all = new HashMap<>(quotas);
        all.put("maxQueuedJobs", 1_000_000);
        all.put("maxJobsPerDay", 10_000_000);
        Map<String, Object> body = Map.of("orgId", orgId, "displayName", "Bench " + orgId, "region", "local",
                "quotas", all);
        expect(send(Api.metadata("/api/v1/orgs"), "POST", adminToken, body), 202);
    }

    /** Of these organizations, the ones whose tenant database is active. */
    Set<String> active(List<String> orgIds) throws SQLException {
        try (Connection c = metadataDatabase(); PreparedStatement s = c.prepareStatement(
                "SELECT org_id FROM organizations WHERE org_id = ANY (?) AND status = 'active'")) {
            s.setArray(1, c.createArrayOf("text", orgIds.toArray()));
            Set<String> active = new HashSet<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    active.add(rs.getString(1));
                }
            }
            return active;
        }
    }

    /** The name of the server the provisioner placed the tenant on. */
    String serverOf(String orgId) throws SQLException {
        try (Connection c = metadataDatabase();
             PreparedStatement s = c.prepareStatement("SELECT server FROM provisioner.tenants WHERE org_id = ?")) {
            s.setString(1, orgId);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    Connection metadataDatabase() throws SQLException {
        return servers.postgres(0).connect(LocalPlatform.METADATA_DATABASE);
    }

    HttpResponse<String> send(URI uri, String method, String token, Object body) throws IOException, InterruptedException {
        return send(uri, method, token, body, Map.of());
    }

    HttpResponse<String> send(URI uri, String method, String token, Object body, Map<String, String> headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token)
                .timeout(Duration.ofSeconds(60));
        headers.forEach(request::header);
        if (body == null) {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            request.header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    static URI provisioner(String path) {
        return URI.create(LocalPlatform.url(LocalPlatform.PROVISIONER_PORT) + path);
    }

    /** Polls an operation's view every 100 ms until {@code field} leaves the given values; returns its last view. */
    JsonNode await(String adminToken, URI view, String field, String... unfinished) throws Exception {
        List<String> running = List.of(unfinished);
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        JsonNode last;
        do {
            Thread.sleep(100);
            last = expect(send(view, "GET", adminToken, null), 200);
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("still unfinished after 30 minutes: " + last);
            }
        } while (running.contains(last.get(field).asText()));
        return last;
    }

    static JsonNode expect(HttpResponse<String> response, int status) throws IOException {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().method() + " " + response.uri() + " answered "
                    + response.statusCode() + ": " + response.body());
        }
        return response.body().isEmpty() ? JSON.nullNode() : JSON.readTree(response.body());
    }

    /** Resident memory of a service's process, in MiB, from /proc. */
    /** One more results-service replica on {@code port}, configured as the first, once it is ready. */
    void startResultsReplica(String name, int port) throws IOException, InterruptedException {
        platform.startResultsReplica(name, port, Bench::log);
    }

    void stopResultsReplica(String name) {
        platform.stop(name);
    }

    double residentMemoryMiB(String service) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + platform.pid(service) + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }

    List<PostgresEndpoint> tenantServers() {
        return new ArrayList<>(servers.postgres());
    }

    @Override
    public void close() {
        platform.close();
        servers.close();
    }
}
