package io.tenantry.results;

import static io.restassured.RestAssured.given;
import static io.tenantry.results.Api.as;
import static io.tenantry.results.Api.next;
import static io.tenantry.results.Api.submit;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.common.OrgId;
import io.tenantry.common.RedisChannels;
import io.tenantry.common.TenantCredentials;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.TenantryTestServers;

/**
 * What the provisioner does to a tenant reaches results-service at once: a suspended tenant is refused (423) and
 * its connections closed, a resumed one is served again, a deleted one is gone (404), one not provisioned yet is
 * not ready (409). A tenant being moved to another server is read but not written. A tenant database that fails
 * fails only its own tenant's requests, and one that refuses this replica as a move's old database would makes it
 * look the tenant up afresh.
 */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = Platform.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.RESULTS_ROLE)})
class TenantStatusTest {

    private static List<String> orgs;

    @Inject
    RedisDataSource redis;

    @BeforeAll
    static void tenants() throws Exception {
        orgs = Platform.tenants(9);
    }

    @Test
    void aSuspendedTenantIsRefusedAtOnceAndServedAgainWhenResumed() throws Exception {
        String org = orgs.get(0);
        String client = Platform.client(org);
        String jobId = submit(org, client, Api.job(5));
        as(client).get(job(org, jobId)).then().statusCode(200);
        assertTrue(Platform.tenantConnections(org) > 0);

        Platform.desire(org, "suspended");
        List<Integer> answers = untilLocked(client, job(org, jobId));
        assertTrue(answers.stream().noneMatch(status -> status == 200), "no data after suspension: " + answers);
        as(client).get(job(org, jobId)).then().statusCode(423).contentType("application/problem+json")
                .body("detail", containsString("suspended"))
                .body("type", equalTo("https://tenantry.dev/problems/tenant-suspended"));
        as(client).body(Api.job(5)).post("/api/v1/orgs/" + org + "/jobs").then().statusCode(423);
        next(org, Platform.worker(org), "w").then().statusCode(423);
        assertEquals(0, Platform.tenantConnections(org), "the suspended tenant's pool is closed");

        Platform.desire(org, "active");
        awaitStatus(client, job(org, jobId), 200);
    }

    @Test
    void aTenantUnderRestoreIsClosedWith503AndRetryAfterUntilItOpens() throws Exception {
        String org = orgs.get(4);
        String client = Platform.client(org);
        String jobs = "/api/v1/orgs/" + org + "/jobs";
        as(client).get(jobs).then().statusCode(200);
        setMaintenance(org, "restoring");
        awaitStatus(client, jobs, 503);
        as(client).get(jobs).then().statusCode(503).contentType("application/problem+json")
                .header("Retry-After", notNullValue())
                .body("type", equalTo("https://tenantry.dev/problems/tenant-maintenance"))
                .body("detail", containsString("being restored"));
        as(client).body(Api.job(5)).post(jobs).then().statusCode(503);
        setMaintenance(org, null);
        awaitStatus(client, jobs, 200);
    }

    @Test
    void aMovingTenantIsReadButItsWritesWaitForTheSwitch() throws Exception {
        String org = orgs.get(5);
        String client = Platform.client(org);
        String jobs = "/api/v1/orgs/" + org + "/jobs";
        String jobId = submit(org, client, Api.job(5));
        setMaintenance(org, "moving");
        awaitWriteStatus(client, jobs, 503);

        as(client).get(job(org, jobId)).then().statusCode(200).body("id", equalTo(jobId));
        as(client).get(jobs).then().statusCode(200);
        as(client).get(job(org, jobId) + "/docking-results").then().statusCode(200);
        assertPausedForMove(as(client).body(Api.job(5)).post(jobs));
        assertPausedForMove(as(client).post(job(org, jobId) + "/cancel"));
        assertPausedForMove(next(org, Platform.worker(org), "w"));

        setMaintenance(org, null);
        awaitWriteStatus(client, jobs, 201);
        as(client).post(job(org, jobId) + "/cancel").then().statusCode(200).body("status", equalTo("cancelled"));
    }

    /**
     * A replica that missed the announcements of a move still holds the old route; the old database refuses the
     * tenant role's writes (42501), and that makes the replica drop what it knows of that tenant, and only that
     * tenant. The registry is changed without an announcement, so only a replica that reads it again can see it.
     */
    @Test
    void aReplicaThatMissedAMoveLooksTheTenantUpAgainWhenTheOldDatabaseRefusesIt() throws Exception {
        String org = orgs.get(6);
        String bystander = orgs.get(7);
        String client = Platform.client(org);
        String bystanderClient = Platform.client(bystander);
        String jobId = submit(org, client, Api.job(5));
        String bystanderJob = submit(bystander, bystanderClient, Api.job(5));
        try {
            fenceWrites(org, true);
            as(client).body(Api.job(5)).post("/api/v1/orgs/" + org + "/jobs").then().statusCode(503)
                    .contentType("application/problem+json").header("Retry-After", notNullValue())
                    .body("type", equalTo("https://tenantry.dev/problems/database-unavailable"));
            Platform.execute("UPDATE provisioner.tenants SET maintenance = 'restoring' WHERE org_id = ?", org);
            Platform.execute("UPDATE provisioner.tenants SET maintenance = 'restoring' WHERE org_id = ?", bystander);

            as(client).get(job(org, jobId)).then().statusCode(503)
                    .body("type", equalTo("https://tenantry.dev/problems/tenant-maintenance"));
            as(bystanderClient).get(job(bystander, bystanderJob)).then().statusCode(200);
        } finally {
            fenceWrites(org, false);
            setMaintenance(org, null);
            setMaintenance(bystander, null);
        }
    }

    /** A job whose claim the old database refused is handed out at the next claim, not a lease later. */
    @Test
    void aJobWhoseClaimWasRefusedIsNotHeldBackFromTheNextClaim() throws Exception {
        String org = orgs.get(8);
        String worker = Platform.worker(org);
        String jobId = submit(org, Platform.client(org), Api.job(9));
        try {
            fenceWrites(org, true);
            next(org, worker, "w").then().statusCode(503);
        } finally {
            fenceWrites(org, false);
        }
        next(org, worker, "w").then().statusCode(200).body("id", equalTo(jobId));
    }

    @Test
    void aDeletedTenantIsGone() throws Exception {
        String org = orgs.get(1);
        String client = Platform.client(org);
        as(client).get("/api/v1/orgs/" + org + "/jobs").then().statusCode(200);
        Platform.desire(org, "deleted");
        awaitStatus(client, "/api/v1/orgs/" + org + "/jobs", 404);
        as(client).get("/api/v1/orgs/" + org + "/jobs").then().contentType("application/problem+json");
    }

    @Test
    void anOrganizationNotProvisionedYetIsNotReadyAndAnUnknownOneIsNotFound() throws Exception {
        String waiting = Platform.organization(10, 10);
        as(Platform.client(waiting)).get("/api/v1/orgs/" + waiting + "/jobs").then().statusCode(409)
                .contentType("application/problem+json").header("Retry-After", notNullValue())
                .body("detail", containsString("not ready"))
                .body("type", equalTo("https://tenantry.dev/problems/tenant-not-ready"));
        String unknown = "nosuch_" + System.nanoTime() % 100_000;
        as(Platform.client(unknown)).get("/api/v1/orgs/" + unknown + "/jobs").then().statusCode(404)
                .contentType("application/problem+json").body("type", equalTo("https://tenantry.dev/problems/not-found"));
    }

    @Test
    void aTenantDatabaseThatFailsFailsOnlyThatTenantsRequests() throws Exception {
        String broken = orgs.get(2);
        String healthy = orgs.get(3);
        String brokenClient = Platform.client(broken);
        as(brokenClient).get("/api/v1/orgs/" + broken + "/jobs").then().statusCode(200);
        refuseConnections(broken, true);
        try {
            as(brokenClient).get("/api/v1/orgs/" + broken + "/jobs").then().statusCode(503)
                    .contentType("application/problem+json").header("Retry-After", notNullValue())
                    .body("detail", containsString("database is unavailable"));
            as(Platform.client(healthy)).get("/api/v1/orgs/" + healthy + "/jobs").then().statusCode(200);
            given().get("/q/health/ready").then().statusCode(200);
        } finally {
            refuseConnections(broken, false);
        }
        awaitStatus(brokenClient, "/api/v1/orgs/" + broken + "/jobs", 200);
    }

    @Test
    void tenantChangesAreHeardAgainAfterRedisRestarts() throws Exception {
        assumeTrue(TenantryTestServers.servers().canRestartRedis(), "only an embedded Redis is stopped by tests");
        String org = Platform.tenants(1).get(0);
        String client = Platform.client(org);
        as(client).get("/api/v1/orgs/" + org + "/jobs").then().statusCode(200);
        TenantryTestServers.servers().stopRedis();
        TenantryTestServers.servers().startRedis();
        // The service subscribes again within seconds; until it has, a change is only seen when the cache expires.
        Thread.sleep(Duration.ofSeconds(7).toMillis());
        Platform.desire(org, "suspended");
        untilLocked(client, "/api/v1/orgs/" + org + "/jobs");
    }

    /** What the provisioner does around a restore: the registry's maintenance column, then the announcement. */
    private void setMaintenance(String org, String maintenance) throws SQLException {
        Platform.execute("UPDATE provisioner.tenants SET maintenance = ? WHERE org_id = ?", maintenance, org);
        redis.key().del(RedisChannels.tenantLookupKey(org));
        redis.pubsub(String.class).publish(RedisChannels.TENANT_CHANGES, org);
    }

    private static void assertPausedForMove(io.restassured.response.Response answer) {
        answer.then().statusCode(503).contentType("application/problem+json").header("Retry-After", "1")
                .body("type", equalTo("https://tenantry.dev/problems/tenant-maintenance"))
                .body("detail", containsString("while its database moves"));
    }

    /** Submits jobs until one is answered {@code expected}: writes are what a move's switch pauses. */
    private static void awaitWriteStatus(String token, String jobs, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (as(token).body(Api.job(5)).post(jobs).statusCode() != expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        as(token).body(Api.job(5)).post(jobs).then().statusCode(expected);
    }

    /** What a move's switch does to the old database: the tenant role may read it but no longer write it. */
    private static void fenceWrites(String org, boolean fence) throws SQLException {
        String role = TenantCredentials.roleName(OrgId.of(org));
        try (Connection c = Platform.tenantDatabase(org); Statement s = c.createStatement()) {
            s.execute(fence ? "REVOKE INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public FROM " + role
                    : "GRANT INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO " + role);
        }
    }

    private static String job(String org, String jobId) {
        return "/api/v1/orgs/" + org + "/jobs/" + jobId;
    }

    /** The answers seen until the tenant is refused as locked, within two seconds (the announcement's way here). */
    private static List<Integer> untilLocked(String token, String path) throws InterruptedException {
        List<Integer> answers = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        int status;
        do {
            status = as(token).get(path).statusCode();
            answers.add(status);
            if (status != 423) {
                Thread.sleep(50);
            }
        } while (status != 423 && System.nanoTime() < deadline);
        assertEquals(423, status, "answers: " + answers);
        return answers;
    }

    private static void awaitStatus(String token, String path, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (as(token).get(path).statusCode() != expected && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        as(token).get(path).then().statusCode(expected);
    }

    /** Takes the tenant role's right to connect away and ends its sessions, as a failing database would. */
    private static void refuseConnections(String org, boolean refuse) throws SQLException {
        String role = TenantCredentials.roleName(OrgId.of(org));
        String database = OrgId.of(org).databaseName();
        try (Connection c = Platform.tenantDatabase(org); Statement s = c.createStatement()) {
            if (refuse) {
                s.execute("REVOKE CONNECT ON DATABASE " + database + " FROM " + role);
                s.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = '" + role + "'");
            } else {
                s.execute("GRANT CONNECT ON DATABASE " + database + " TO " + role);
            }
        }
    }
}
