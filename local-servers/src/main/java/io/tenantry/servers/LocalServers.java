package io.tenantry.servers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.jboss.logging.Logger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import redis.embedded.RedisServer;

/**
 * Real PostgreSQL servers and a real Redis, from the first source that exists:
 * <ol>
 * <li>servers named by {@code TENANTRY_PG_URLS} (comma-separated {@code postgresql://user:password@host:port})
 * and, independently, {@code TENANTRY_REDIS_URL};</li>
 * <li>containers, when neither is named and a Docker engine answers (not exercised on machines without Docker);</li>
 * <li>embedded binaries from Maven Central, which need nothing installed.</li>
 * </ol>
 */
public final class LocalServers implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(LocalServers.class);

    private final List<PostgresEndpoint> postgres;
    private final String redisUrl;
    private final List<AutoCloseable> running;
    private RedisServer embeddedRedis;
    /** The embedded PostgreSQL servers, by index; empty when someone else runs them. */
    private List<EmbeddedServer> embeddedPostgres = List.of();

    private LocalServers(List<PostgresEndpoint> postgres, String redisUrl, List<AutoCloseable> running) {
        this.postgres = List.copyOf(postgres);
        this.redisUrl = redisUrl;
        this.running = running;
    }

    /**
     * @param postgresCount how many independent PostgreSQL servers to provide
     * @param dataRoot      where embedded servers keep their data across restarts; null for throw-away data
     */
    public static LocalServers start(int postgresCount, Path dataRoot) {
        return start(postgresCount, dataRoot, 400);
    }

    /**
     * As {@link #start(int, Path)}, with embedded servers accepting up to {@code maxConnections} each. PostgreSQL
     * and Redis are chosen independently: {@code TENANTRY_PG_URLS} names PostgreSQL servers to use, and
     * {@code TENANTRY_REDIS_URL} a Redis; whatever is not named is embedded (or, when neither is named and a
     * Docker engine answers, both run in containers).
     */
    public static LocalServers start(int postgresCount, Path dataRoot, int maxConnections) {
        return start(postgresCount, dataRoot, maxConnections, 0, 0);
    }

    /**
     * As {@link #start(int, Path, int)}, with embedded servers on fixed ports, for configuration that names them
     * (Quarkus dev mode): PostgreSQL server {@code i} on {@code firstPostgresPort + i}, Redis on {@code redisPort};
     * 0 takes any free port.
     */
    public static LocalServers start(int postgresCount, Path dataRoot, int maxConnections, int firstPostgresPort,
                                     int redisPort) {
        String urls = blankToNull(System.getenv("TENANTRY_PG_URLS"));
        String redisUrl = blankToNull(System.getenv("TENANTRY_REDIS_URL"));
        boolean anyPorts = firstPostgresPort == 0 && redisPort == 0;
        if (anyPorts && urls == null && redisUrl == null && ContainerServers.dockerAnswers()) {
            return ContainerServers.start(postgresCount);
        }
        List<AutoCloseable> running = new ArrayList<>();
        try {
            List<EmbeddedServer> embedded = new ArrayList<>();
            List<PostgresEndpoint> postgres = urls != null ? configuredPostgres(urls, postgresCount)
                    : embeddedPostgres(postgresCount, dataRoot, maxConnections, firstPostgresPort, running, embedded);
            RedisServer redis = redisUrl == null ? embeddedRedis(dataRoot, redisPort, running) : null;
            String redisAddress = redis == null ? redisUrl : "redis://localhost:" + redis.ports().get(0);
            LOG.infof("PostgreSQL %s (%s), Redis %s (%s)", postgres, urls == null ? "embedded" : "configured",
                    redisAddress, redis == null ? "configured" : "embedded");
            LocalServers servers = new LocalServers(postgres, redisAddress, running);
            servers.embeddedRedis = redis;
            servers.embeddedPostgres = List.copyOf(embedded);
            return servers;
        } catch (IOException e) {
            closeAll(running);
            throw new UncheckedIOException("could not start local servers", e);
        }
    }

    public PostgresEndpoint postgres(int index) {
        return postgres.get(index);
    }

    public List<PostgresEndpoint> postgres() {
        return postgres;
    }

    public String redisUrl() {
        return redisUrl;
    }

    /** Whether tests may stop and restart Redis: only an embedded one, never a server someone else runs. */
    public boolean canRestartRedis() {
        return embeddedRedis != null;
    }

    /** Stops Redis (same port, data gone), for tests of what happens while it is away. */
    public void stopRedis() {
        try {
            embeddedRedis.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public void startRedis() {
        try {
            embeddedRedis.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether tests may stop and restart PostgreSQL server {@code index}: only an embedded one. */
    public boolean canRestartPostgres(int index) {
        return index < embeddedPostgres.size();
    }

    /** Stops PostgreSQL server {@code index} with a fast shutdown (every session ended at once), keeping its data. */
    public void stopPostgres(int index) {
        embeddedPostgres.get(index).stop();
    }

    /** Starts a server {@link #stopPostgres(int)} stopped, on the same port with the same data and settings. */
    public void startPostgres(int index) {
        try {
            embeddedPostgres.get(index).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value;
    }

    static LocalServers of(List<PostgresEndpoint> postgres, String redisUrl, List<AutoCloseable> running) {
        return new LocalServers(postgres, redisUrl, running);
    }

    private static List<PostgresEndpoint> configuredPostgres(String urls, int postgresCount) {
        List<PostgresEndpoint> endpoints = new ArrayList<>();
        String[] parts = urls.split(",");
        if (parts.length < postgresCount) {
            throw new IllegalStateException("TENANTRY_PG_URLS names " + parts.length + " servers, " + postgresCount
                    + " are needed");
        }
        for (int i = 0; i < postgresCount; i++) {
            URI uri = URI.create(parts[i].trim());
            String[] userInfo = uri.getUserInfo() == null ? new String[] {"postgres", ""}
                    : uri.getUserInfo().split(":", 2);
            endpoints.add(new PostgresEndpoint("pg" + i, uri.getHost(), uri.getPort() < 0 ? 5432 : uri.getPort(),
                    userInfo[0], userInfo.length > 1 ? userInfo[1] : ""));
        }
        return endpoints;
    }

    private static List<PostgresEndpoint> embeddedPostgres(int postgresCount, Path dataRoot, int maxConnections,
                                                           int firstPort, List<AutoCloseable> running,
                                                           List<EmbeddedServer> embedded) throws IOException {
        List<PostgresEndpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < postgresCount; i++) {
            String name = "pg" + i;
            boolean keep = dataRoot != null;
            Path dataDir = keep ? dataRoot.resolve(name) : Files.createTempDirectory("tenantry-" + name);
            Files.createDirectories(dataDir);
            EmbeddedServer server = new EmbeddedServer(dataDir, maxConnections, keep,
                    firstPort > 0 ? firstPort + i : 0);
            running.add(server);
            server.start();
            embedded.add(server);
            endpoints.add(new PostgresEndpoint(name, "localhost", server.port, "postgres", ""));
        }
        return endpoints;
    }

    /**
     * One embedded PostgreSQL server, which can be stopped and started again on the same port and data. Its data
     * directory outlives each start (PostgreSQL's own files are never cleaned by the library) and, unless kept, is
     * removed when the server closes for good.
     */
    private static final class EmbeddedServer implements AutoCloseable {

        private final Path dataDir;
        private final int maxConnections;
        private final boolean keep;
        private int port;
        private EmbeddedPostgres running;

        EmbeddedServer(Path dataDir, int maxConnections, boolean keep, int port) {
            this.dataDir = dataDir;
            this.maxConnections = maxConnections;
            this.keep = keep;
            this.port = port;
        }

        synchronized void start() throws IOException {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setServerConfig("max_connections", Integer.toString(maxConnections))
                    .setServerConfig("shared_buffers", "64MB")
                    .setServerConfig("fsync", keep ? "on" : "off")
                    .setServerConfig("synchronous_commit", keep ? "on" : "off")
                    .setServerConfig("password_encryption", "scram-sha-256")
                    // Per-statement costs for operators (tenant health) and for the benchmarks' profile.
                    .setServerConfig("shared_preload_libraries", "pg_stat_statements")
                    // Moving a tenant to another server streams its database by logical replication.
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "40")
                    .setServerConfig("max_wal_senders", "40")
                    .setServerConfig("max_logical_replication_workers", "16")
                    .setServerConfig("max_worker_processes", "24")
                    // As the tenant servers of deploy/ run: autovacuum visits each database once per naptime.
                    .setServerConfig("autovacuum_naptime", "5min")
                    .setDataDirectoryCustomizer(dir -> PgHba.requirePasswordsForTenantRoles(dir.toPath()))
                    .setPGStartupWait(Duration.ofSeconds(90));
            if (port > 0) {
                builder.setPort(port);
            }
            running = builder.start();
            port = running.getPort();
        }

        synchronized void stop() {
            try {
                running.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public synchronized void close() throws IOException {
            try {
                running.close();
            } finally {
                if (!keep) {
                    try (var files = Files.walk(dataDir)) {
                        files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                    }
                }
            }
        }
    }

    /** Throw-away data for tests; with a data root, an append-only file there, so a restart keeps the queue. */
    private static RedisServer embeddedRedis(Path dataRoot, int port, List<AutoCloseable> running)
            throws IOException {
        var builder = RedisServer.newRedisServer().port(port > 0 ? port : freePort()).bind("127.0.0.1").setting("save \"\"");
        if (dataRoot == null) {
            builder.setting("appendonly no");
        } else {
            Path dir = Files.createDirectories(dataRoot.resolve("redis"));
            builder.setting("appendonly yes").setting("dir " + dir.toAbsolutePath());
        }
        RedisServer redis = builder.build();
        redis.start();
        running.add(redis::stop);
        return redis;
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        closeAll(running);
    }

    private static void closeAll(List<AutoCloseable> running) {
        for (int i = running.size() - 1; i >= 0; i--) {
            try {
                running.get(i).close();
            } catch (Exception e) {
                LOG.warn("could not stop a local server", e);
            }
        }
        running.clear();
    }
}
