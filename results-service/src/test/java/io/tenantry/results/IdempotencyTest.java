package io.tenantry.results;

import static io.tenantry.results.Api.as;
import static io.tenantry.results.Api.report;
import static io.tenantry.results.Api.take;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.TenantryTestServers;

/** Job submissions and docking-result uploads retried with an Idempotency-Key write once. */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = Platform.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.RESULTS_ROLE)})
class IdempotencyTest {

    private static List<String> orgs;

    @BeforeAll
    static void tenants() throws Exception {
        orgs = Platform.tenants(3);
    }

    @Test
    void aRetriedSubmissionGetsTheFirstJobAndTheTenantHoldsOne() throws Exception {
        String org = orgs.get(0);
        String client = Platform.client(org);
        String key = "submit-" + UUID.randomUUID();
        int before = Integer.parseInt(Platform.tenantQuery(org, "SELECT count(*) FROM jobs"));
        Response first = submit(org, client, key, Api.job(1));
        first.then().statusCode(201);
        Response retry = submit(org, client, key, Api.job(1));
        retry.then().statusCode(201);
        assertEquals(first.header("Location"), retry.header("Location"));
        assertEquals(first.asString(), retry.asString());
        String jobId = first.path("id");
        assertEquals(String.valueOf(before + 1), Platform.tenantQuery(org, "SELECT count(*) FROM jobs"));
        as(client).get(first.header("Location")).then().statusCode(200).body("id", equalTo(jobId));

        String other = submit(org, client, "submit-" + UUID.randomUUID(), Api.job(1)).then().statusCode(201)
                .extract().path("id");
        assertNotEquals(jobId, other, "another key is another request");
        String anotherCaller = submit(org, Platform.client(org), key, Api.job(1)).then().statusCode(201)
                .extract().path("id");
        assertNotEquals(jobId, anotherCaller, "keys belong to their caller");
    }

    @Test
    void theSameKeyWithAnotherRequestIsRefusedAndWritesNothing() throws Exception {
        String org = orgs.get(0);
        String client = Platform.client(org);
        String key = "submit-" + UUID.randomUUID();
        submit(org, client, key, Api.job(1)).then().statusCode(201);
        String before = Platform.tenantQuery(org, "SELECT count(*) FROM jobs");
        submit(org, client, key, Api.job(2)).then().statusCode(422).contentType("application/problem+json")
                .body("status", equalTo(422));
        assertEquals(before, Platform.tenantQuery(org, "SELECT count(*) FROM jobs"));
    }

    @Test
    void keysThatAreNotOneTo255PrintableAsciiCharactersAreRefused() {
        String org = orgs.get(0);
        String client = Platform.client(org);
        for (String bad : List.of("x".repeat(256), "clé", "tab\tinside")) {
            submit(org, client, bad, Api.job(1)).then().statusCode(400).contentType("application/problem+json");
        }
        submit(org, client, "x".repeat(255), Api.job(1)).then().statusCode(201);
        submit(org, client, "with inner spaces: {}!~", Api.job(1)).then().statusCode(201);
    }

    @Test
    void twoOrganizationsUsingTheSameKeyGetTheirOwnJobs() throws Exception {
        String key = "shared-" + UUID.randomUUID();
        String subject = "client:" + UUID.randomUUID();
        String a = submit(orgs.get(0), Platform.token(orgs.get(0), Platform.CLIENT, subject), key, Api.job(1))
                .then().statusCode(201).extract().path("id");
        String b = submit(orgs.get(1), Platform.token(orgs.get(1), Platform.CLIENT, subject), key, Api.job(1))
                .then().statusCode(201).extract().path("id");
        assertNotEquals(a, b);
        assertEquals("1", Platform.tenantQuery(orgs.get(0), "SELECT count(*) FROM jobs WHERE id = ?::uuid", a));
        assertEquals("1", Platform.tenantQuery(orgs.get(1), "SELECT count(*) FROM jobs WHERE id = ?::uuid", b));
    }

    @Test
    void keysOlderThanTheRetentionAreForgottenAndTheirRetryIsANewRequest() throws Exception {
        String org = orgs.get(0);
        String subject = "client:" + UUID.randomUUID();
        String key = "old-" + UUID.randomUUID();
        try (Connection c = Platform.tenantDatabase(org); PreparedStatement s = c.prepareStatement("""
                INSERT INTO idempotency_keys (caller, key, fingerprint, response_status, response_body, created_at)
                VALUES (?, ?, repeat('0', 64), 201, '{"id":"00000000-0000-0000-0000-000000000000"}',
                        now() - interval '25 hours')""")) {
            s.setString(1, subject);
            s.setString(2, key);
            s.executeUpdate();
        }
        String id = submit(org, Platform.token(org, Platform.CLIENT, subject), key, Api.job(1)).then().statusCode(201)
                .extract().path("id");
        assertNotEquals("00000000-0000-0000-0000-000000000000", id);
        assertEquals("0", Platform.tenantQuery(org,
                "SELECT count(*) FROM idempotency_keys WHERE created_at < now() - interval '24 hours'"));
    }

    @Test
    void concurrentDuplicatesWriteOnce() throws Exception {
        String org = orgs.get(1);
        String client = Platform.client(org);
        ExecutorService threads = Executors.newFixedThreadPool(4);
        try {
            for (int round = 0; round < 5; round++) {
                String key = "race-" + UUID.randomUUID();
                List<Callable<Response>> same = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    same.add(() -> submit(org, client, key, Api.job(3)));
                }
                List<String> ids = new ArrayList<>();
                for (Future<Response> answer : threads.invokeAll(same)) {
                    ids.add(answer.get().then().statusCode(201).extract().path("id"));
                }
                assertEquals(1, ids.stream().distinct().count(), ids.toString());
                assertEquals("1", Platform.tenantQuery(org,
                        "SELECT count(*) FROM job_events WHERE job_id = ?::uuid AND kind = 'submitted'", ids.get(0)));
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void aRetriedDockingResultUploadStoresItsResultsOnce() throws Exception {
        String org = orgs.get(2);
        String client = Platform.client(org);
        String worker = Platform.worker(org);
        List<UUID> molecules = Platform.molecules(org, 2);
        String submitted = Api.submit(org, client, Api.job(molecules));
        String jobId = takeUntil(org, worker, submitted);
        Map<String, Object> batch = Map.of("worker", "dock-1", "results", List.of(
                Map.of("moleculeId", molecules.get(0), "score", -7.5, "poses", List.of()),
                Map.of("moleculeId", molecules.get(1), "score", -8.5, "poses", List.of())));
        String key = "upload-" + UUID.randomUUID();
        for (int i = 0; i < 3; i++) {
            Api.as(worker).header("Idempotency-Key", key).body(batch)
                    .post("/api/v1/orgs/" + org + "/work/jobs/" + jobId + "/docking-results")
                    .then().statusCode(201).body("inserted", equalTo(2));
        }
        assertEquals("2", Platform.tenantQuery(org, "SELECT count(*) FROM docking_results WHERE job_id = ?::uuid", jobId));
        Api.as(worker).header("Idempotency-Key", key).body(Map.of("worker", "dock-1", "results", List.of(
                        Map.of("moleculeId", molecules.get(0), "score", -1.0, "poses", List.of()))))
                .post("/api/v1/orgs/" + org + "/work/jobs/" + jobId + "/docking-results").then().statusCode(422);
        report(org, worker, jobId, "docking-results", batch).then().statusCode(201);
        assertEquals("4", Platform.tenantQuery(org, "SELECT count(*) FROM docking_results WHERE job_id = ?::uuid", jobId));
    }

    /** Takes jobs until the worker holds {@code jobId}; other tests' jobs may be queued ahead of it. */
    private static String takeUntil(String org, String worker, String jobId) {
        for (int i = 0; i < 100; i++) {
            if (take(org, worker, "dock-1").equals(jobId)) {
                return jobId;
            }
        }
        throw new AssertionError("job " + jobId + " was never handed out");
    }

    private static Response submit(String org, String token, String key, Map<String, Object> job) {
        return as(token).header("Idempotency-Key", key).body(job).post("/api/v1/orgs/" + org + "/jobs");
    }
}
