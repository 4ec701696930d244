package io.tenantry.results;

import static io.restassured.RestAssured.given;
import static io.tenantry.results.Api.as;
import static io.tenantry.results.Api.finish;
import static io.tenantry.results.Api.next;
import static io.tenantry.results.Api.report;
import static io.tenantry.results.Api.step;
import static io.tenantry.results.Api.submit;
import static io.tenantry.results.Api.take;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.tenantry.results.tenant.TenantDirectory;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.TenantryTestServers;

/**
 * Nothing accepted is lost and nothing runs twice at once: jobs submitted while Redis is down are stored,
 * acknowledged and queued once it is back (and jobs whose messages Redis lost are queued again); a job whose
 * worker dies is reclaimed by another once its lease runs out, and never before; a tenant switching servers holds
 * its jobs' dispatch only until the switch ends.
 */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = Platform.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.RESULTS_ROLE)})
class QueueResilienceTest {

    private static List<String> orgs;

    @Inject
    TenantDirectory directory;

    @BeforeAll
    static void tenants() throws Exception {
        orgs = Platform.tenants(4);
    }

    @Test
    void jobsSubmittedWhileRedisIsDownAreKeptAndQueuedWhenItIsBack() throws Exception {
        assumeTrue(TenantryTestServers.servers().canRestartRedis(), "only an embedded Redis is stopped by tests");
        String org = orgs.get(0);
        String client = Platform.client(org);
        String worker = Platform.worker(org);
        Set<String> accepted = new HashSet<>();
        for (int i = 0; i < 3; i++) {
            accepted.add(submit(org, client, Api.job(5)));
        }
        TenantryTestServers.servers().stopRedis();
        try {
            for (int i = 0; i < 5; i++) {
                accepted.add(submit(org, client, Api.job(5)));
            }
            next(org, worker, "w").then().statusCode(503).contentType("application/problem+json")
                    .header("Retry-After", equalTo("5"));
            given().get("/q/health/ready").then().statusCode(503)
                    .body("checks.find { it.name == 'Redis' }.status", equalTo("DOWN"));
            as(client).get("/api/v1/orgs/" + org + "/jobs?status=queued").then().statusCode(200);
        } finally {
            // The restarted Redis has lost every stream: the three jobs queued before are gone from it too.
            TenantryTestServers.servers().startRedis();
        }
        Set<String> taken = new HashSet<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (taken.size() < accepted.size() && System.nanoTime() < deadline) {
            Response response = next(org, worker, "w");
            if (response.statusCode() == 200) {
                taken.add(response.path("id"));
            } else {
                Thread.sleep(250);
            }
        }
        assertEquals(accepted, taken, "every accepted job reached a worker");
        next(org, worker, "w").then().statusCode(204);
        given().get("/q/health/ready").then().statusCode(200);
    }

    /**
     * A job stored while Redis was down waits for the dispatch sweep; a sweep that finds its tenant in a move's
     * switch comes back to it on a later pass rather than leave it for the next full sweep.
     */
    @Test
    void aJobLeftForTheSweepWhileItsTenantSwitchesServersIsQueuedOnceTheSwitchEnds() throws Exception {
        assumeTrue(TenantryTestServers.servers().canRestartRedis(), "only an embedded Redis is stopped by tests");
        String org = orgs.get(3);
        String jobId;
        TenantryTestServers.servers().stopRedis();
        try {
            jobId = submit(org, Platform.client(org), Api.job(5));
            switching(org, true);
        } finally {
            TenantryTestServers.servers().startRedis();
        }
        // The passes after Redis is back, a full one among them since Redis restarted, find the tenant switching.
        Thread.sleep(Duration.ofSeconds(3).toMillis());
        switching(org, false);
        assertEquals(jobId, pollForJob(org, Platform.worker(org), "w", Duration.ofSeconds(10)).path("id"));
    }

    @Test
    void aJobWhoseWorkerDiesIsReclaimedOnlyOnceItsLeaseRunsOut() throws Exception {
        String org = orgs.get(1);
        String client = Platform.client(org);
        String jobId = submit(org, client, Api.job(5));
        String first = Platform.worker(org);
        assertEquals(jobId, take(org, first, "first"));
        step(org, first, jobId, 0, "first", "running").then().statusCode(200);
        // The first worker dies here. While its lease runs, no one else gets the job.
        String second = Platform.worker(org);
        next(org, second, "second").then().statusCode(204);
        Response reclaimed = pollForJob(org, second, "second", Duration.ofSeconds(15));
        assertEquals(jobId, reclaimed.path("id"));
        assertEquals(2, (int) reclaimed.path("attempt"));
        report(org, first, jobId, "progress", Map.of("worker", "first", "progress", 90)).then().statusCode(409)
                .body("detail", containsString("not held by this worker"));
        finish(org, second, jobId, "second");
        as(client).get("/api/v1/orgs/" + org + "/jobs/" + jobId + "/events").then()
                .body("items.kind", hasItem("reclaimed"));
        as(client).get("/api/v1/orgs/" + org + "/jobs/" + jobId + "/executions").then()
                .body("items.attempt", contains(1, 2, 1, 2))
                .body("items.status", contains("failed", "succeeded", "cancelled", "succeeded"));
    }

    @Test
    void aJobThatLosesEveryAllowedAttemptFails() throws Exception {
        String org = orgs.get(2);
        String client = Platform.client(org);
        String jobId = submit(org, client, Api.job(5));
        assertEquals(jobId, take(org, Platform.worker(org), "w1"));
        for (int attempt = 2; attempt <= 3; attempt++) {
            Response reclaimed = pollForJob(org, Platform.worker(org), "w" + attempt, Duration.ofSeconds(15));
            assertEquals(attempt, (int) reclaimed.path("attempt"));
        }
        String last = Platform.worker(org);
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (!"failed".equals(as(client).get("/api/v1/orgs/" + org + "/jobs/" + jobId).path("status"))
                && System.nanoTime() < deadline) {
            next(org, last, "w4").then().statusCode(204);
            Thread.sleep(250);
        }
        as(client).get("/api/v1/orgs/" + org + "/jobs/" + jobId).then().body("status", equalTo("failed"))
                .body("error", containsString("3 attempts"));
    }

    /** A move's switch as the registry records it, heard by this replica (Redis may be down to carry it). */
    private void switching(String org, boolean moving) throws Exception {
        Platform.execute("UPDATE provisioner.tenants SET maintenance = ? WHERE org_id = ?", moving ? "moving" : null, org);
        directory.forget(org).await().indefinitely();
    }

    private static Response pollForJob(String org, String token, String worker, Duration patience) throws Exception {
        List<Integer> seen = new ArrayList<>();
        long deadline = System.nanoTime() + patience.toNanos();
        while (System.nanoTime() < deadline) {
            Response response = next(org, token, worker);
            seen.add(response.statusCode());
            if (response.statusCode() == 200) {
                return response;
            }
            Thread.sleep(200);
        }
        assertTrue(false, "no job came back within " + patience + ": " + seen);
        return null;
    }
}
