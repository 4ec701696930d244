package io.tenantry.results;

import static io.tenantry.results.Api.as;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import jakarta.inject.Inject;

import org.jboss.logging.Logger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.tenantry.common.OrgId;
import io.tenantry.common.TenantCredentials;
import io.tenantry.results.pool.TenantPools;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.servers.PostgresEndpoint;
import io.tenantry.testing.TenantryTestServers;
import io.tenantry.testing.faults.FaultLoad;
import io.tenantry.testing.faults.PostgresFaults;

/**
 * PostgreSQL servers fail under read and write load, both ways an operator meets: one backend killed with signal 9
 * (the server ends every session and runs crash recovery by itself), and the whole server stopped and started
 * again. While a server is away its tenants get only 503 with Retry-After and the other server's tenants notice
 * nothing; within 2 s of the server accepting connections every tenant is served again; afterwards no connection
 * is held that no request uses, and every write the service acknowledged is in the tenant's database.
 */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = Platform.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.RESULTS_ROLE)})
class PostgresCrashTest {

    private static final Logger LOG = Logger.getLogger(PostgresCrashTest.class);
    private static final int CRASHES = 4;
    private static final int RESTARTS = 2;
    private static final Duration RECOVERY = Duration.ofSeconds(2);

    @Inject
    TenantPools pools;

    private static List<String> orgs;

    @BeforeAll
    static void tenants() throws Exception {
        orgs = Platform.tenants(4);
        // The test servers run with synchronous_commit off for speed, which lets a crash lose the last commits by
        // design; production keeps PostgreSQL's default (on), and that is what the service is held to here.
        for (String org : orgs) {
            try (Connection c = Platform.tenantDatabase(org)) {
                c.createStatement().execute("ALTER ROLE " + TenantCredentials.roleName(OrgId.of(org))
                        + " SET synchronous_commit = on");
            }
        }
    }

    @Test
    void aBackendKilledWithSignalNineCostsOnlyRetryableAnswersAndNoAcknowledgedWrite() throws Exception {
        FaultLoad load = load().start();
        try {
            load.awaitAllServedAfter(System.nanoTime(), Duration.ofSeconds(60));
            List<PostgresEndpoint> servers = TenantryTestServers.servers().postgres();
            for (int crash = 0; crash < CRASHES; crash++) {
                Thread.sleep(1_000);
                long killed = System.nanoTime();
                PostgresEndpoint server = servers.get(crash % servers.size());
                assertTrue(PostgresFaults.killOneBackend(server, "tenant\\_%", null),
                        "a tenant connection to kill; " + load);
                long accepting = PostgresFaults.awaitAccepting(server, Duration.ofSeconds(30));
                assertServedWithinRecovery(load, "crash " + crash, killed, accepting);
            }
        } finally {
            load.stop();
        }
        assertRecovered(load);
    }

    @Test
    void aServerStoppedAndStartedCostsItsTenantsOnlyRetryableAnswersAndTheOthersNothing() throws Exception {
        int stopped = 1;
        assumeTrue(TenantryTestServers.servers().canRestartPostgres(stopped), "only embedded servers are restarted");
        Map<Boolean, List<String>> byServer = new HashMap<>();
        for (String org : orgs) {
            byServer.computeIfAbsent(Platform.server(org).equals("pg" + stopped), on -> new ArrayList<>()).add(org);
        }
        assertEquals(2, byServer.size(), "tenants on both servers: " + byServer);
        FaultLoad load = load().start();
        try {
            load.awaitAllServedAfter(System.nanoTime(), Duration.ofSeconds(60));
            for (int restart = 0; restart < RESTARTS; restart++) {
                Thread.sleep(1_000);
                long down = System.nanoTime();
                TenantryTestServers.servers().stopPostgres(stopped);
                Thread.sleep(1_500);
                TenantryTestServers.servers().startPostgres(stopped);
                long accepting = PostgresFaults.awaitAccepting(TenantryTestServers.servers().postgres(stopped),
                        Duration.ofSeconds(30));
                assertServedWithinRecovery(load, "restart " + restart, down, accepting);
            }
        } finally {
            load.stop();
        }
        for (String org : byServer.get(false)) {
            assertEquals(0, load.refusals(org + "/"), org + " lives on the server that stayed up");
        }
        assertTrue(byServer.get(true).stream().mapToLong(org -> load.refusals(org + "/")).sum() > 0,
                "the stopped server's tenants were refused while it was away");
        assertRecovered(load);
    }

    /** A writer submitting jobs and a reader listing them, for each tenant. */
    private static FaultLoad load() {
        Map<String, Callable<FaultLoad.Answer>> clients = new HashMap<>();
        for (String org : orgs) {
            String token = Platform.client(org);
            clients.put(org + "/w", () -> answer(as(token).body(Api.job(5)).post("/api/v1/orgs/" + org + "/jobs"),
                    true));
            clients.put(org + "/r", () -> answer(as(token).get("/api/v1/orgs/" + org + "/jobs?limit=5"), false));
        }
        return new FaultLoad(clients);
    }

    private static FaultLoad.Answer answer(Response response, boolean write) {
        int status = response.statusCode();
        return new FaultLoad.Answer(status, response.header("Retry-After"),
                write && status / 100 == 2 ? response.path("id") : null);
    }

    private static void assertServedWithinRecovery(FaultLoad load, String incident, long failed, long accepting)
            throws InterruptedException {
        long served = load.awaitAllServedAfter(accepting, Duration.ofSeconds(30));
        LOG.infof("%s: server back after %d ms, every tenant served %d ms later", incident,
                (accepting - failed) / 1_000_000, (served - accepting) / 1_000_000);
        assertTrue(served - accepting <= RECOVERY.toNanos(), incident + ": every tenant served again "
                + (served - accepting) / 1_000_000 + " ms after the server accepted connections");
    }

    private void assertRecovered(FaultLoad load) throws Exception {
        load.assertOnlyRetryableFailures();
        int checked = 0;
        for (String org : orgs) {
            List<String> ids = load.acknowledged(org + "/");
            String stored = Platform.tenantQuery(org, "SELECT count(*) FROM jobs WHERE id = ANY (?::uuid[])",
                    (Object) ids.toArray(String[]::new));
            assertEquals(Integer.toString(ids.size()), stored, "acknowledged jobs of " + org);
            checked += ids.size();
        }
        assertTrue(checked > 0, "writes were acknowledged");
        LOG.infof("%d acknowledged jobs all stored; %s", checked, load);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (pools.busyConnections() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertEquals(0, pools.busyConnections(), "connections busy with no request running");
        for (String org : orgs) {
            as(Platform.client(org)).get("/api/v1/orgs/" + org + "/jobs").then().statusCode(200);
        }
    }
}
