package io.tenantry.results.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.ReactiveRedisDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tenantry.results.Platform;
import io.tenantry.results.config.ResultsConfig;
import io.tenantry.results.store.TenantRoute;
import io.tenantry.results.tenant.TenantDirectory;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.servers.PostgresEndpoint;
import io.tenantry.testing.TenantryTestServers;
import io.vertx.core.Vertx;

/**
 * Two replicas share each server's budget through one Redis: this service and a second {@link TenantPools} with
 * its own {@link ServerShares}, made here as a second process would make them. PostgreSQL counts the connections
 * they hold together on each server ({@code pg_stat_activity}). pg0 has the default server budget, 4, pg1 a
 * budget of its own, 6; a replica alone could hold both whole.
 */
@QuarkusTest
@TestProfile(ServerSharesTest.SmallServerBudgets.class)
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = Platform.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.RESULTS_ROLE)})
class ServerSharesTest {

    public static final class SmallServerBudgets implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("tenantry.results.pools.global-budget", "10",
                    "tenantry.results.pools.server-budget", "4",
                    "tenantry.results.servers.pg1.budget", "6");
        }
    }

    /** The first replica's statements run long, so it cannot shrink before the second could open connections. */
    private static final String LONG_QUERY = "SELECT pg_sleep(0.5)";
    private static final String QUERY = "SELECT pg_sleep(0.05)";
    private static List<String> orgs;
    private static ExecutorService threads;

    @Inject
    TenantPools pools;

    @Inject
    ServerShares shares;

    @Inject
    ResultsConfig config;

    @Inject
    Vertx vertx;

    @Inject
    ReactiveRedisDataSource redis;

    @Inject
    TenantConnectionFactory connections;

    @Inject
    DatabaseIncidents incidents;

    @Inject
    StaleRoutes staleRoutes;

    @Inject
    TenantDirectory directory;

    @BeforeAll
    static void tenants() throws Exception {
        orgs = Platform.tenants(10);
        threads = Executors.newFixedThreadPool(34);
    }

    @AfterAll
    static void stop() {
        threads.shutdownNow();
    }

    @Test
    void aReplicaJoiningUnderLoadGetsItsShareAndTogetherTheyNeverPassAServersBudget() throws Exception {
        List<TenantRoute> routes = routes();
        awaitTrue(() -> shares.liveReplicas() == 1 && shares.share("pg0") == 4 && shares.share("pg1") == 6,
                () -> "alone, a replica may take each whole server: " + shares.share("pg0") + ", "
                        + shares.share("pg1") + ", " + shares.liveReplicas() + " replicas");
        Map<String, AtomicInteger> peaks = new ConcurrentHashMap<>();
        AtomicBoolean sampling = new AtomicBoolean(true);
        Future<?> sampler = threads.submit(() -> sample(peaks, sampling));
        Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> refused = new ConcurrentHashMap<>();
        List<Future<?>> load = new ArrayList<>();
        long firstUntil = System.nanoTime() + Duration.ofSeconds(12).toNanos();
        for (int i = 0; i < 16; i++) {
            load.add(threads.submit(() -> read(pools, "first", LONG_QUERY, routes, firstUntil, served, refused)));
        }
        awaitTrue(() -> pools.grantedConnections("pg0") == 4 && pools.grantedConnections("pg1") == 6,
                () -> "the first replica took each server's whole budget: " + pools.grantedConnections("pg0")
                        + " and " + pools.grantedConnections("pg1"));
        Replica second = new Replica();
        try {
            // The second replica's requests wait for its share, and are granted connections the moment it has one.
            long secondUntil = System.nanoTime() + Duration.ofSeconds(7).toNanos();
            for (int i = 0; i < 16; i++) {
                load.add(threads.submit(() -> read(second.pools, "second", QUERY, routes, secondUntil, served, refused)));
            }
            long joined = System.nanoTime();
            second.join();
            awaitTrue(() -> shares.share("pg0") == 2 && shares.share("pg1") == 3
                            && pools.grantedConnections("pg0") <= 2 && pools.grantedConnections("pg1") <= 3,
                    () -> "the first replica shrank to its share: " + shares.share("pg0") + " and "
                            + shares.share("pg1") + ", holding " + pools.grantedConnections("pg0") + " and "
                            + pools.grantedConnections("pg1"));
            awaitTrue(() -> second.shares.share("pg0") == 2 && second.shares.share("pg1") == 3,
                    () -> "the second replica got its share: " + second.shares.share("pg0") + " and "
                            + second.shares.share("pg1"));
            long settled = Duration.ofNanos(System.nanoTime() - joined).toMillis();
            assertTrue(settled < 4000, "shares settled " + settled + " ms after the join");
            assertEquals(2, shares.liveReplicas());
            assertEquals(2, second.shares.liveReplicas());
            for (Future<?> client : load) {
                client.get(60, TimeUnit.SECONDS);
            }
        } finally {
            sampling.set(false);
            sampler.get(10, TimeUnit.SECONDS);
            second.stop();
        }
        for (String server : List.of("pg0", "pg1")) {
            int budget = shares.budget(server);
            int peak = peaks.getOrDefault(server, new AtomicInteger()).get();
            assertTrue(peak <= budget, server + ": " + peak + " connections at once, its budget is " + budget);
            assertTrue(peak >= budget - 1, server + ": the load did fill the server's budget, peak " + peak);
        }
        assertTrue(served.get("first").get() > 50, "the first replica was served: " + served + ", refused " + refused);
        assertTrue(served.get("second").get() > 50, "the second replica was served: " + served + ", refused " + refused);
        awaitTrue(() -> shares.share("pg0") == 4 && shares.liveReplicas() == 1,
                () -> "the second left and its share came back: " + shares.share("pg0"));
    }

    @Test
    void whenAReplicaStopsRenewingTheOtherGrowsIntoItsShare() throws Exception {
        Replica second = new Replica();
        second.join();
        awaitTrue(() -> shares.share("pg1") == 3 && second.shares.share("pg1") == 3,
                () -> "the two share the server: " + shares.share("pg1") + " and " + second.shares.share("pg1"));
        // A replica that dies takes its connections with it and renews nothing more; it does not leave.
        second.shares.stopRenewing();
        second.pools.stop();
        long died = System.nanoTime();
        awaitTrue(() -> shares.share("pg1") == 6 && shares.liveReplicas() == 1,
                () -> "the first replica took the whole server again: " + shares.share("pg1") + ", "
                        + shares.liveReplicas() + " replicas");
        long regained = Duration.ofNanos(System.nanoTime() - died).toMillis();
        long bound = config.pools().shareExpiry().plus(config.pools().shareRenewal()).toMillis() + 500;
        assertTrue(regained <= bound, "regained " + regained + " ms after the other's last renewal, bound " + bound);
    }

    @Test
    void theShareAndTheLiveReplicasAreGaugesPerServer() {
        String metrics = io.restassured.RestAssured.given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String gauge : List.of("tenantry_results_replicas ",
                "tenantry_results_server_connections_share{server=\"pg0\"}",
                "tenantry_results_server_connections_budget{server=\"pg1\"} 6.0",
                "tenantry_results_server_connections_granted{server=\"pg1\"}")) {
            assertTrue(metrics.contains(gauge), gauge);
        }
    }

    /** Reads over random tenants through {@code replica} until {@code until}, counting what was served and refused. */
    private static Void read(TenantPools replica, String name, String query, List<TenantRoute> routes, long until,
            Map<String, AtomicInteger> served, Map<String, AtomicInteger> refused) {
        while (System.nanoTime() < until) {
            TenantRoute route = routes.get(ThreadLocalRandom.current().nextInt(routes.size()));
            try {
                replica.withConnection(route, c -> c.query(query).execute()).await().atMost(Duration.ofSeconds(10));
                served.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
            } catch (ConnectionBudgetExhausted e) {
                refused.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
            }
        }
        return null;
    }

    /** PostgreSQL's count of tenant roles' connections on each server, highest seen, until told to stop. */
    private static Void sample(Map<String, AtomicInteger> peaks, AtomicBoolean sampling) throws Exception {
        Map<String, Connection> servers = new HashMap<>();
        List<PostgresEndpoint> endpoints = TenantryTestServers.servers().postgres();
        for (int i = 0; i < endpoints.size(); i++) {
            servers.put("pg" + i, endpoints.get(i).connect("postgres"));
        }
        try {
            while (sampling.get()) {
                for (Map.Entry<String, Connection> server : servers.entrySet()) {
                    int now = tenantConnections(server.getValue());
                    peaks.computeIfAbsent(server.getKey(), s -> new AtomicInteger()).accumulateAndGet(now, Math::max);
                }
                Thread.sleep(5);
            }
        } finally {
            for (Connection c : servers.values()) {
                c.close();
            }
        }
        return null;
    }

    private static int tenantConnections(Connection server) throws SQLException {
        try (Statement s = server.createStatement(); ResultSet rs = s.executeQuery(
                "SELECT count(*) FROM pg_stat_activity WHERE usename LIKE 'tenant\\_%'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private List<TenantRoute> routes() {
        List<TenantRoute> routes = orgs.stream()
                .map(org -> directory.lookup(org).await().atMost(Duration.ofSeconds(10)).orElseThrow()).toList();
        assertTrue(routes.stream().anyMatch(r -> r.server().equals("pg0")) && routes.stream()
                .anyMatch(r -> r.server().equals("pg1")), "tenants on both servers");
        return routes;
    }

    private static void awaitTrue(Callable<Boolean> condition, Supplier<String> what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.call() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertTrue(condition.call(), what);
    }

    /** A second replica: its own pools and its own share of each server, through the same Redis. */
    private final class Replica {
        final TenantPools pools = new TenantPools();
        final ServerShares shares = new ServerShares();

        /** Its pools, with nothing on any server until it joins. */
        Replica() {
            pools.vertx = vertx;
            pools.config = config;
            pools.connections = connections;
            pools.incidents = incidents;
            pools.staleRoutes = staleRoutes;
            pools.start();
        }

        void join() {
            shares.redis = redis;
            shares.config = config;
            shares.pools = pools;
            shares.vertx = vertx;
            shares.start(null);
        }

        void stop() {
            shares.stop(null);
            pools.stop();
        }
    }
}
