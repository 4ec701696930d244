package io.tenantry.results;

import static io.restassured.RestAssured.given;
import static io.tenantry.results.Api.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.smallrye.mutiny.subscription.Cancellable;
import io.tenantry.results.pool.TenantPools;
import io.tenantry.results.store.TenantRoute;
import io.tenantry.results.tenant.TenantDirectory;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.servers.PostgresEndpoint;
import io.tenantry.testing.TenantryTestServers;

/**
 * The pools hold to their limits under concurrent load, as PostgreSQL itself counts connections: never more than
 * the global budget across all tenants, never more than a tenant's share for one tenant; a request that cannot
 * get a connection in time gets 503 with Retry-After; idle pools give their connections back.
 */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = Platform.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.RESULTS_ROLE)})
class ConnectionBudgetTest {

    private static List<String> orgs;
    private static ExecutorService threads;

    @Inject
    TenantPools pools;

    @Inject
    TenantDirectory directory;

    @ConfigProperty(name = "tenantry.results.pools.global-budget")
    int budget;

    @ConfigProperty(name = "tenantry.results.pools.per-tenant")
    int perTenant;

    @BeforeAll
    static void tenants() throws Exception {
        orgs = Platform.tenants(12);
        threads = Executors.newFixedThreadPool(48);
    }

    @AfterAll
    static void stop() {
        threads.shutdownNow();
    }

    @Test
    void concurrentRequestsOverManyTenantsNeverExceedTheBudget() throws Exception {
        Map<String, String> tokens = new ConcurrentHashMap<>();
        orgs.forEach(org -> tokens.put(org, Platform.viewer(org)));
        HttpClient http = HttpClient.newBuilder().executor(threads).build();
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger peak = new AtomicInteger();
        AtomicInteger peakOneTenant = new AtomicInteger();
        // A backend whose client has just closed it is listed until its process exits, beside the connection that
        // took its place: a count counts only when the next sample 5 ms later is as high, as a held connection is.
        Future<?> sampler = Executors.newSingleThreadExecutor().submit(() -> {
            try (Census census = new Census()) {
                int lastTotal = 0;
                int lastOneTenant = 0;
                while (running.get()) {
                    Map<String, Integer> byRole = census.connectionsByTenantRole();
                    int total = byRole.values().stream().mapToInt(Integer::intValue).sum();
                    int oneTenant = byRole.values().stream().mapToInt(Integer::intValue).max().orElse(0);
                    peak.accumulateAndGet(Math.min(total, lastTotal), Math::max);
                    peakOneTenant.accumulateAndGet(Math.min(oneTenant, lastOneTenant), Math::max);
                    lastTotal = total;
                    lastOneTenant = oneTenant;
                    Thread.sleep(5);
                }
            }
            return null;
        });
        Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
        List<Future<?>> clients = new ArrayList<>();
        long until = System.nanoTime() + Duration.ofSeconds(6).toNanos();
        for (int i = 0; i < 40; i++) {
            clients.add(threads.submit(() -> {
                while (System.nanoTime() < until) {
                    String org = orgs.get(ThreadLocalRandom.current().nextInt(orgs.size()));
                    HttpResponse<String> response = http.send(get(org, tokens.get(org)), HttpResponse.BodyHandlers.ofString());
                    statuses.computeIfAbsent(response.statusCode(), s -> new AtomicInteger()).incrementAndGet();
                    if (response.statusCode() == 503) {
                        assertTrue(response.headers().firstValue("Retry-After").isPresent());
                    }
                }
                return null;
            }));
        }
        for (Future<?> client : clients) {
            client.get(60, TimeUnit.SECONDS);
        }
        running.set(false);
        sampler.get(10, TimeUnit.SECONDS);
        assertTrue(statuses.keySet().stream().allMatch(s -> s == 200 || s == 503), statuses.toString());
        assertTrue(statuses.get(200).get() > 100, statuses.toString());
        assertTrue(peak.get() <= budget, "peak " + peak + " connections, budget " + budget);
        assertTrue(peakOneTenant.get() <= perTenant, "one tenant held " + peakOneTenant + ", its share is " + perTenant);
        assertTrue(peak.get() >= 2, "the load did reach the databases: " + peak);
    }

    @Test
    void aTenantWhoseQueriesHangHoldsOnlyItsShareAndOthersAreServed() throws Exception {
        String stuck = orgs.get(0);
        String other = orgs.get(1);
        String token = Platform.viewer(stuck);
        try (Connection lock = lockJobs(stuck)) {
            List<Future<Integer>> waiting = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                waiting.add(threads.submit(() -> given().auth().oauth2(token).get(path(stuck)).statusCode()));
            }
            Thread.sleep(500);
            assertTrue(Platform.tenantConnections(stuck) <= perTenant);
            as(Platform.viewer(other)).get(path(other)).then().statusCode(200);
            Thread.sleep(2000);
            // Beyond what the tenant holds (its share at most), requests waited their acquire timeout and were told
            // to come back.
            long refused = 0;
            for (Future<Integer> request : waiting) {
                if (request.isDone()) {
                    assertEquals(503, request.get());
                    refused++;
                }
            }
            assertTrue(refused >= 5 - perTenant && refused < 5, refused + " refused");
            lock.rollback();
            for (Future<Integer> request : waiting) {
                int status = request.get(10, TimeUnit.SECONDS);
                assertTrue(status == 200 || status == 503, Integer.toString(status));
            }
        }
    }

    @Test
    void whenEveryConnectionIsBusyANewTenantWaitsThenGets503WithRetryAfter() throws Exception {
        List<Connection> locks = new ArrayList<>();
        List<Future<Integer>> holders = new ArrayList<>();
        try {
            // Every connection of the budget busy, one per tenant, so no idle pool can make room.
            for (String org : orgs.subList(2, 2 + budget)) {
                locks.add(lockJobs(org));
                String token = Platform.viewer(org);
                holders.add(threads.submit(() -> given().auth().oauth2(token).get(path(org)).statusCode()));
            }
            Thread.sleep(1000);
            String late = orgs.get(11);
            long started = System.nanoTime();
            as(Platform.viewer(late)).get(path(late)).then().statusCode(503)
                    .contentType("application/problem+json").header("Retry-After", notNullValue())
                    .body("detail", containsString("retry"));
            assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() >= 1500, "it waited its turn first");
        } finally {
            for (Connection lock : locks) {
                lock.rollback();
                lock.close();
            }
        }
        for (Future<Integer> holder : holders) {
            assertEquals(200, holder.get(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void anIdlePoolIsClosedAndItsConnectionsLeave() throws Exception {
        String org = orgs.get(10);
        as(Platform.viewer(org)).get(path(org)).then().statusCode(200);
        assertTrue(Platform.tenantConnections(org) >= 1);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (Platform.tenantConnections(org) > 0 && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertEquals(0, Platform.tenantConnections(org));
    }

    @Test
    void aPoolThatGrewForABurstShrinksBackToWhatItsTrafficNeeds() throws Exception {
        String org = orgs.get(9);
        String token = Platform.viewer(org);
        burstToItsShare(org, token);
        int grown = Platform.tenantConnections(org);
        // One request at a time keeps the pool alive; its second connection has nothing to do and is let go.
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (Platform.tenantConnections(org) > 1 && System.nanoTime() < deadline) {
            as(token).get(path(org)).then().statusCode(200);
            Thread.sleep(300);
        }
        assertTrue(grown > 1, "the burst took more than one connection: " + grown);
        assertEquals(1, Platform.tenantConnections(org));
    }

    @Test
    void aTenantWithoutAConnectionTakesASpareBeforeAnyoneLosesTheirLast() throws Exception {
        awaitNoConnectionsGranted();
        String busy = orgs.get(2);
        List<String> others = orgs.subList(3, 3 + budget - perTenant);
        String newcomer = orgs.get(11);
        // The busy tenant grows to its share in a burst; the others take one connection each: the budget is spent.
        burstToItsShare(busy, Platform.viewer(busy));
        for (String org : others) {
            as(Platform.viewer(org)).get(path(org)).then().statusCode(200);
        }
        long started = System.nanoTime();
        as(Platform.viewer(newcomer)).get(path(newcomer)).then().statusCode(200);
        assertTrue(Duration.ofNanos(System.nanoTime() - started).toMillis() < 1000, "no wait for an idle timeout");
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (Platform.tenantConnections(busy) > 1 && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertEquals(1, Platform.tenantConnections(busy), "the busy tenant gave up its spare, not its last");
        for (String org : others) {
            assertEquals(1, Platform.tenantConnections(org), org + " kept its connection");
        }
        assertEquals(1, Platform.tenantConnections(newcomer));
    }

    @Test
    void poolsAndConnectionsAreReportedAgainstTheBudget() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String gauge : List.of("tenantry_results_pools_open", "tenantry_results_connections_granted",
                "tenantry_results_connections_budget " + (double) budget, "tenantry_results_connections_waiting")) {
            assertTrue(metrics.contains(gauge), gauge);
        }
    }

    /** Makes the tenant open its whole share at once: requests held by a table lock until all are in, then served. */
    /**
     * A request that goes away (its client disconnected) returns what it held: a connection still running its
     * statement is closed rather than lent to the next request, and a request cancelled in line is never granted
     * one, so nothing is left busy with no request running.
     */
    @Test
    void aCancelledRequestLeavesNoConnectionBusy() throws Exception {
        awaitNoConnectionsGranted();
        String org = orgs.get(2);
        TenantRoute route = directory.lookup(org).await().atMost(Duration.ofSeconds(10)).orElseThrow();
        List<Cancellable> running = new ArrayList<>();
        for (int i = 0; i < perTenant + 1; i++) {
            running.add(pools.withConnection(route, c -> c.query("SELECT pg_sleep(30)").execute())
                    .subscribe().with(rows -> { }, failure -> { }));
        }
        awaitTrue(() -> pools.busyConnections() == perTenant, () -> "the tenant's share runs: "
                + pools.busyConnections() + " busy, " + pools.waitingRequests() + " waiting");
        running.forEach(Cancellable::cancel);
        awaitTrue(() -> pools.busyConnections() == 0 && pools.waitingRequests() == 0,
                () -> "cancelled requests hold nothing: " + pools.busyConnections() + " busy, "
                        + pools.waitingRequests() + " waiting");
        assertEquals(1, pools.withConnection(route, c -> c.query("SELECT 1").execute())
                .await().atMost(Duration.ofSeconds(10)).size());
    }

    private static void awaitTrue(Callable<Boolean> condition, Supplier<String> what) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!condition.call() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(condition.call(), what);
    }

    private void burstToItsShare(String org, String token) throws Exception {
        List<Future<Integer>> burst = new ArrayList<>();
        try (Connection lock = lockJobs(org)) {
            for (int i = 0; i < perTenant; i++) {
                burst.add(threads.submit(() -> given().auth().oauth2(token).get(path(org)).statusCode()));
            }
            Thread.sleep(400);
            lock.rollback();
        }
        for (Future<Integer> request : burst) {
            assertEquals(200, request.get(10, TimeUnit.SECONDS));
        }
    }

    /** Waits until every earlier test's connections have idled out, so the budget starts empty. */
    private static void awaitNoConnectionsGranted() throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!given().get("/q/metrics").asString().contains("tenantry_results_connections_granted 0.0")
                && System.nanoTime() < deadline) {
            Thread.sleep(250);
        }
        assertTrue(given().get("/q/metrics").asString().contains("tenantry_results_connections_granted 0.0"));
    }

    private static String path(String org) {
        return "/api/v1/orgs/" + org + "/jobs?limit=1";
    }

    private static HttpRequest get(String org, String token) {
        return HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path(org)))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30)).build();
    }

    /** Holds an exclusive lock on the tenant's jobs table until the connection rolls back. */
    private static Connection lockJobs(String org) throws SQLException {
        Connection c = Platform.tenantDatabase(org);
        c.setAutoCommit(false);
        try (Statement s = c.createStatement()) {
            s.execute("LOCK TABLE jobs IN ACCESS EXCLUSIVE MODE");
        }
        return c;
    }

    /** PostgreSQL's own count of tenant roles' connections, over one open connection to each server. */
    private static final class Census implements AutoCloseable {
        private final List<Connection> servers = new ArrayList<>();

        Census() throws SQLException {
            for (PostgresEndpoint server : TenantryTestServers.servers().postgres()) {
                servers.add(server.connect("postgres"));
            }
        }

        Map<String, Integer> connectionsByTenantRole() throws SQLException {
            Map<String, Integer> counts = new HashMap<>();
            for (Connection server : servers) {
                try (Statement s = server.createStatement(); ResultSet rs = s.executeQuery("""
                        SELECT usename, count(*) FROM pg_stat_activity WHERE usename LIKE 'tenant\\_%' GROUP BY usename""")) {
                    while (rs.next()) {
                        counts.merge(rs.getString(1), rs.getInt(2), Integer::sum);
                    }
                }
            }
            return counts;
        }

        @Override
        public void close() throws SQLException {
            for (Connection server : servers) {
                server.close();
            }
        }
    }
}
