package io.tenantry.results;

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
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;


import io.quarkus.redis.datasource.RedisDataSource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.tenantry.results.queue.JobQueue;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.TenantryTestServers;

/** A job's whole life through the API and the Redis queue, in tenants made by the real provisioner. */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = Platform.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.RESULTS_ROLE)})
class JobLifecycleTest {

    private static List<String> orgs;
    private static String smallQuota;
    private static String smallDailyQuota;
    private static String rushedQuota;

    @Inject
    RedisDataSource redis;

    @BeforeAll
    static void tenants() throws Exception {
        smallQuota = Platform.organization(2, 1000);
        smallDailyQuota = Platform.organization(1000, 3);
        rushedQuota = Platform.organization(5, 1000);
        orgs = new ArrayList<>(Platform.tenants(8));
        Platform.provision(List.of(smallQuota, smallDailyQuota, rushedQuota));
    }

    @Test
    void aJobGoesFromSubmissionThroughAWorkerToItsResults() throws Exception {
        String org = orgs.get(0);
        String client = Platform.client(org);
        String worker = Platform.worker(org);
        List<UUID> molecules = Platform.molecules(org, 3);

        String location = as(client).body(Api.job(molecules)).post("/api/v1/orgs/" + org + "/jobs").then()
                .statusCode(201).body("status", equalTo("queued")).body("templateName", equalTo(Platform.TEMPLATE))
                .body("templateVersion", equalTo(1)).body("steps", hasSize(2)).body("priority", equalTo(5))
                .body("inputs.moleculeIds", hasSize(3)).body("inputs.parameters.exhaustiveness", equalTo(8))
                .extract().header("Location");
        String jobId = location.substring(location.lastIndexOf('/') + 1);
        as(client).get(location).then().statusCode(200).body("dispatchedAt", notNullValue());
        assertEquals(1, redis.stream(String.class).xlen(JobQueue.streamKey(org, 5)));

        JsonPath taken = next(org, worker, "dock-1").then().statusCode(200).body("id", equalTo(jobId))
                .body("status", equalTo("running")).body("attempt", equalTo(1))
                .body("claimedBy", containsString("/dock-1")).body("leaseExpiresAt", notNullValue())
                .body("inputs.receptor", equalTo("1ABC")).extract().jsonPath();
        assertEquals(2, taken.getList("steps").size());
        next(org, Platform.worker(org), "dock-2").then().statusCode(204);

        step(org, worker, jobId, 0, "dock-1", "running").then().statusCode(200).body("leaseExpiresAt", notNullValue());
        report(org, worker, jobId, "steps/0/results", Map.of("worker", "dock-1", "data", Map.of("prepared", 3),
                "confidence", 0.9, "artifacts", List.of("s3://bucket/receptor.pdbqt"))).then().statusCode(201)
                .body("id", notNullValue());
        step(org, worker, jobId, 0, "dock-1", "succeeded").then().statusCode(200);
        report(org, worker, jobId, "progress", Map.of("worker", "dock-1", "progress", 50, "message", "halfway"))
                .then().statusCode(200);
        step(org, worker, jobId, 1, "dock-1", "running").then().statusCode(200);
        List<Map<String, Object>> poses = new ArrayList<>();
        double[] scores = {-7.5, -9.25, -8.0};
        for (int i = 0; i < 3; i++) {
            poses.add(Map.of("moleculeId", molecules.get(i), "score", scores[i], "rank", i + 1,
                    "poses", List.of(Map.of("x", i))));
        }
        report(org, worker, jobId, "docking-results", Map.of("worker", "dock-1", "results", poses)).then()
                .statusCode(201).body("inserted", equalTo(3));
        step(org, worker, jobId, 1, "dock-1", "succeeded").then().statusCode(200);
        report(org, worker, jobId, "complete", Map.of("worker", "dock-1")).then().statusCode(200)
                .body("status", equalTo("succeeded")).body("finishedAt", notNullValue());

        as(client).get(location).then().statusCode(200).body("status", equalTo("succeeded"))
                .body("progress", equalTo(50)).body("leaseExpiresAt", nullValue());
        as(client).get(location + "/events").then().statusCode(200).body("items.kind", contains("submitted",
                "claimed", "step-running", "step-succeeded", "progress", "step-running", "step-succeeded", "succeeded"));
        JsonPath executions = as(client).get(location + "/executions").then().statusCode(200)
                .body("items.status", contains("succeeded", "succeeded")).body("items.attempt", contains(1, 1))
                .body("items.stepName", contains("prepare", "dock")).extract().jsonPath();
        as(client).get(location + "/executions/" + executions.getString("items[0].id") + "/results").then()
                .statusCode(200).body("items", hasSize(1)).body("items[0].data.prepared", equalTo(3))
                .body("items[0].artifacts[0]", equalTo("s3://bucket/receptor.pdbqt"));

        String next = as(client).get(location + "/docking-results?limit=2").then().statusCode(200)
                .body("items.score", contains(-9.25f, -8.0f)).body("next", notNullValue()).extract().path("next");
        as(client).get(location + "/docking-results?limit=2&after=" + next).then().statusCode(200)
                .body("items.score", contains(-7.5f)).body("next", nullValue());
        as(client).get(location + "/docking-results?moleculeId=" + molecules.get(2)).then().statusCode(200)
                .body("items.moleculeId", contains(molecules.get(2).toString()));
        as(client).get(location + "/docking-results?minScore=-9&maxScore=-7.6").then().statusCode(200)
                .body("items.score", contains(-8.0f));
        as(client).get("/api/v1/orgs/" + org + "/docking-results?moleculeId=" + molecules.get(1)).then()
                .statusCode(200).body("items.jobId", contains(jobId)).body("items[0].poses[0].x", equalTo(1));

        assertEquals(0, redis.stream(String.class).xlen(JobQueue.streamKey(org, 5)), "a finished job leaves the queue");
    }

    @Test
    void completingWithAStepUnfinishedIsRefusedAndFailingClosesTheSteps() {
        String org = orgs.get(1);
        String worker = Platform.worker(org);
        String jobId = submit(org, Platform.client(org), Api.job(5));
        assertEquals(jobId, take(org, worker, "w"));
        step(org, worker, jobId, 0, "w", "running").then().statusCode(200);
        report(org, worker, jobId, "complete", Map.of("worker", "w")).then().statusCode(409)
                .contentType("application/problem+json").body("detail", containsString("0 (running), 1 (pending)"));
        report(org, worker, jobId, "fail", Map.of("worker", "w", "error", "receptor unreadable")).then()
                .statusCode(200).body("status", equalTo("failed")).body("error", equalTo("receptor unreadable"));
        as(Platform.client(org)).get("/api/v1/orgs/" + org + "/jobs/" + jobId + "/executions").then()
                .body("items.status", contains("failed", "cancelled"));
        step(org, worker, jobId, 1, "w", "running").then().statusCode(409);
    }

    @Test
    void theHighestPriorityWaitingGoesFirstAndOrderWithinAPriorityIsKept() {
        String org = orgs.get(2);
        String client = Platform.client(org);
        String low = submit(org, client, Api.job(1));
        String normalFirst = submit(org, client, Api.job(5));
        String normalSecond = submit(org, client, Api.job(5));
        String urgent = submit(org, client, Api.job(9));
        String worker = Platform.worker(org);
        assertEquals(List.of(urgent, normalFirst, normalSecond, low), List.of(take(org, worker, "a"),
                take(org, worker, "b"), take(org, worker, "c"), take(org, worker, "d")));
        next(org, worker, "e").then().statusCode(204);
    }

    @Test
    void oneOrganizationsBurstDoesNotHoldUpAnothersJob() {
        String busy = orgs.get(3);
        String quiet = orgs.get(4);
        String busyClient = Platform.client(busy);
        for (int i = 0; i < 200; i++) {
            submit(busy, busyClient, Api.job(9));
        }
        String quietJob = submit(quiet, Platform.client(quiet), Api.job(0));
        assertEquals(quietJob, take(quiet, Platform.worker(quiet), "w"), "the quiet organization's job is next for its worker");
        as(busyClient).get("/api/v1/orgs/" + busy + "/jobs?status=queued&limit=200").then().statusCode(200)
                .body("items", hasSize(200));
    }

    @Test
    void aClientCancelsQueuedAndRunningJobsAndTheWorkerIsToldToStop() {
        String org = orgs.get(5);
        String client = Platform.client(org);
        String worker = Platform.worker(org);
        String running = submit(org, client, Api.job(8));
        assertEquals(running, take(org, worker, "w"));
        String queued = submit(org, client, Api.job(8));
        as(client).post("/api/v1/orgs/" + org + "/jobs/" + queued + "/cancel").then().statusCode(200)
                .body("status", equalTo("cancelled"));
        as(client).post("/api/v1/orgs/" + org + "/jobs/" + running + "/cancel").then().statusCode(200)
                .body("status", equalTo("cancelled"));
        report(org, worker, running, "progress", Map.of("worker", "w", "progress", 10)).then().statusCode(409)
                .body("detail", containsString("cancelled"));
        as(client).post("/api/v1/orgs/" + org + "/jobs/" + running + "/cancel").then().statusCode(409)
                .contentType("application/problem+json");
        next(org, worker, "w2").then().statusCode(204);
        assertEquals(0, redis.stream(String.class).xlen(JobQueue.streamKey(org, 8)), "cancelled jobs leave the queue");
    }

    @Test
    void submissionsBeyondTheQueuedQuotaAreRefusedUntilAJobStarts() {
        String client = Platform.client(smallQuota);
        submit(smallQuota, client, Api.job(5));
        submit(smallQuota, client, Api.job(5));
        as(client).body(Api.job(5)).post("/api/v1/orgs/" + smallQuota + "/jobs").then().statusCode(429)
                .contentType("application/problem+json").header("Retry-After", notNullValue())
                .body("detail", containsString("2 queued jobs"));
        take(smallQuota, Platform.worker(smallQuota), "w");
        submit(smallQuota, client, Api.job(5));
    }

    /**
     * Submissions sent together are still counted one after another: with the hour's count locked, those already
     * counted wait to add to it, and no two may have counted the same queued jobs.
     */
    @Test
    void submissionsArrivingTogetherNeverExceedTheQueuedQuota() throws Exception {
        String client = Platform.client(rushedQuota);
        for (int i = 0; i < 4; i++) {
            submit(rushedQuota, client, Api.job(5));
        }
        try (Connection hour = Platform.tenantDatabase(rushedQuota); Statement lock = hour.createStatement()) {
            hour.setAutoCommit(false);
            lock.execute("INSERT INTO job_submissions_hourly (hour, submitted) VALUES (date_trunc('hour', now()), 0)"
                    + " ON CONFLICT (hour) DO UPDATE SET submitted = job_submissions_hourly.submitted");
            try (Api.Burst rush = Api.Burst.post("/api/v1/orgs/" + rushedQuota + "/jobs", client, Api.job(5), 20)) {
                Platform.awaitWaitingOnLock(rushedQuota, 2);
                hour.commit();
                assertEquals(Map.of(201, 1L, 429, 19L), rush.statuses(),
                        "20 submissions at once, room for one more queued job");
            }
        }
        assertEquals("5", Platform.tenantQuery(rushedQuota, "SELECT count(*) FROM jobs WHERE status = 'queued'"));
    }

    @Test
    void submissionsBeyondTheDailyQuotaAreRefused() {
        String client = Platform.client(smallDailyQuota);
        for (int i = 0; i < 3; i++) {
            submit(smallDailyQuota, client, Api.job(5));
        }
        as(client).body(Api.job(5)).post("/api/v1/orgs/" + smallDailyQuota + "/jobs").then().statusCode(429)
                .body("detail", containsString("daily quota")).header("Retry-After", equalTo("3600"));
    }

    @Test
    void templatesAreNamedByIdOrByNameAndVersionAndMoleculesMustBeTheOrganizations() throws Exception {
        String org = orgs.get(6);
        String client = Platform.client(org);
        as(client).body(Map.of("templateId", Platform.TEMPLATE_ID, "inputs", Map.of("receptor", "R", "ligandSet", "s")))
                .post("/api/v1/orgs/" + org + "/jobs").then().statusCode(201).body("templateVersion", equalTo(1));
        as(client).body(Map.of("template", Platform.TEMPLATE, "templateVersion", 7,
                        "inputs", Map.of("receptor", "R", "ligandSet", "s")))
                .post("/api/v1/orgs/" + org + "/jobs").then().statusCode(422).body("detail", containsString("version 7"));
        List<UUID> theirs = Platform.molecules(orgs.get(2), 1);
        as(client).body(Api.job(theirs)).post("/api/v1/orgs/" + org + "/jobs").then().statusCode(422)
                .contentType("application/problem+json").body("detail", containsString(theirs.get(0).toString()));
    }

    @Test
    void jobListsPageByKeysetAndFilterByStatus() {
        String org = orgs.get(7);
        String client = Platform.client(org);
        List<String> submitted = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            submitted.add(submit(org, client, Api.job(3)));
        }
        List<String> seen = new ArrayList<>();
        String after = null;
        do {
            JsonPath page = as(client).queryParam("limit", 2).queryParam("status", "queued")
                    .queryParam("after", after == null ? "" : after).get("/api/v1/orgs/" + org + "/jobs")
                    .then().statusCode(200).body("items.inputs", everyItem(nullValue())).extract().jsonPath();
            seen.addAll(page.getList("items.id"));
            after = page.getString("next");
        } while (after != null);
        assertEquals(seen.size(), seen.stream().distinct().count(), "no job appears twice");
        Collections.reverse(submitted);
        assertEquals(submitted, seen.stream().filter(submitted::contains).toList(), "newest first");
    }
}
