package io.tenantry.results;

import static io.restassured.RestAssured.given;
import static io.tenantry.results.Api.as;
import static io.tenantry.results.Api.report;
import static io.tenantry.results.Api.submit;
import static io.tenantry.results.Api.take;
import static org.hamcrest.Matchers.allOf;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.hamcrest.Matchers.lessThan;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.TenantryTestServers;

/** Bad input on every endpoint is answered with a 4xx problem that says what is wrong, never a 500. */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = Platform.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.RESULTS_ROLE)})
class BadInputTest {

    private static String org;
    private static String client;
    private static String worker;
    private static Endpoints.Ids ids;

    @BeforeAll
    static void tenant() throws Exception {
        org = Platform.tenants(1).get(0);
        client = Platform.client(org);
        worker = Platform.worker(org);
    }

    @BeforeEach
    void aHeldJob() throws Exception {
        if (ids == null) {
            UUID molecule = Platform.molecules(org, 1).get(0);
            String jobId = submit(org, client, Api.job(List.of(molecule)));
            assertEquals(jobId, take(org, worker, "w"));
            String executionId = as(client).get("/api/v1/orgs/" + org + "/jobs/" + jobId + "/executions").then()
                    .statusCode(200).extract().path("items[0].id");
            ids = new Endpoints.Ids(jobId, executionId, molecule);
        }
    }

    @Test
    void malformedPathsAreBadRequests() {
        for (Endpoints.Endpoint endpoint : Endpoints.ALL) {
            problem(endpoint.call(tokenFor(endpoint), "Robert'); DROP TABLE jobs;--", ids), 400);
            problem(endpoint.call(tokenFor(endpoint), "pg_catalog", ids), 400);
            if (endpoint.path().contains("{jobId}")) {
                problem(endpoint.call(tokenFor(endpoint), org, new Endpoints.Ids("not-a-uuid", ids.executionId(),
                        ids.moleculeId())), 400);
            }
        }
    }

    @Test
    void malformedBodiesAreBadRequests() {
        for (Endpoints.Endpoint endpoint : Endpoints.ALL) {
            if (endpoint.body() == null) {
                continue;
            }
            for (String body : List.of("{", "[]", "null", "42", "{}", "{\"worker\": 42}", "{\"worker\": [\"w\"]}")) {
                problem(send(endpoint, body), 400);
            }
            Map<String, Object> withUnknownField = new HashMap<>(asMap(endpoint.body()));
            withUnknownField.put("surprise", true);
            problem(send(endpoint, withUnknownField), 400);
            problem(given().auth().oauth2(tokenFor(endpoint)).contentType("text/plain").body("hello")
                    .request(endpoint.method(), endpoint.pathFor(org, ids)), 415);
        }
    }

    @Test
    void workerNamesAreCheckedEverywhere() {
        for (Endpoints.Endpoint endpoint : Endpoints.ALL) {
            if (endpoint.caller() != Endpoints.Caller.WORKER) {
                continue;
            }
            for (String name : List.of("", " w", "w w", "w/1", "x".repeat(101))) {
                Map<String, Object> body = new HashMap<>(asMap(endpoint.body()));
                body.put("worker", name);
                problem(send(endpoint, body), 400).then().body("errors[0].field", equalTo("worker"));
            }
        }
    }

    @Test
    void listParametersOutOfRangeAreBadRequests() {
        for (Endpoints.Endpoint endpoint : Endpoints.ALL) {
            // One job and the database's health are single resources, not lists.
            if (!endpoint.method().equals("GET") || endpoint.path().endsWith("{jobId}")
                    || endpoint.path().endsWith("/database-health")) {
                continue;
            }
            String path = endpoint.pathFor(org, ids);
            String separator = path.contains("?") ? "&" : "?";
            for (String parameter : List.of("limit=0", "limit=201", "limit=abc", "after=%25%25%25",
                    "after=bm90LWEta2V5")) {
                problem(as(client).get(path + separator + parameter), 400);
            }
        }
        problem(as(client).get("/api/v1/orgs/" + org + "/jobs?status=finished"), 400);
        problem(as(client).get("/api/v1/orgs/" + org + "/docking-results"), 400);
        problem(as(client).get("/api/v1/orgs/" + org + "/docking-results?moleculeId=nope"), 400);
        String results = "/api/v1/orgs/" + org + "/jobs/" + ids.jobId() + "/docking-results";
        problem(as(client).get(results + "?minScore=-5&maxScore=-9"), 400);
        problem(as(client).get(results + "?minScore=low"), 400);
        problem(as(client).get(results + "?moleculeId=nope"), 400);
    }

    @Test
    void submissionsThatCannotBeAJobAreRefused() {
        String path = "/api/v1/orgs/" + org + "/jobs";
        Map<String, Object> ligands = Map.of("receptor", "R", "ligandSet", "s");
        List<Map<String, Object>> bad = List.of(
                Map.of("inputs", ligands),
                Map.of("template", Platform.TEMPLATE, "templateId", Platform.TEMPLATE_ID, "inputs", ligands),
                Map.of("templateId", Platform.TEMPLATE_ID, "templateVersion", 1, "inputs", ligands),
                Map.of("template", "Not A Name", "inputs", ligands),
                Map.of("template", Platform.TEMPLATE, "templateVersion", 0, "inputs", ligands),
                Map.of("template", Platform.TEMPLATE),
                Map.of("template", Platform.TEMPLATE, "inputs", Map.of("ligandSet", "s")),
                Map.of("template", Platform.TEMPLATE, "inputs", Map.of("receptor", "R")),
                Map.of("template", Platform.TEMPLATE, "inputs", Map.of("receptor", "R", "ligandSet", "s",
                        "moleculeIds", List.of(ids.moleculeId()))),
                Map.of("template", Platform.TEMPLATE, "inputs", Map.of("receptor", "R", "moleculeIds", List.of())),
                Map.of("template", Platform.TEMPLATE, "inputs", Map.of("receptor", "R", "moleculeIds",
                        Collections.nCopies(10_001, ids.moleculeId()))),
                Map.of("template", Platform.TEMPLATE, "inputs", Map.of("receptor", "R", "moleculeIds", List.of("x"))),
                Map.of("template", Platform.TEMPLATE, "inputs", Map.of("receptor", "R".repeat(501), "ligandSet", "s")),
                Map.of("template", Platform.TEMPLATE, "inputs", Map.of("receptor", "R", "ligandSet", "s",
                        "parameters", List.of(1))),
                Map.of("template", Platform.TEMPLATE, "priority", 10, "inputs", ligands),
                Map.of("template", Platform.TEMPLATE, "priority", -1, "inputs", ligands),
                Map.of("templateId", "not-a-uuid", "inputs", ligands));
        for (Map<String, Object> body : bad) {
            problem(as(client).body(body).post(path), 400);
        }
        problem(as(client).body(Map.of("template", "no-such-template", "inputs", ligands)).post(path), 422);
        problem(as(client).body(Map.of("templateId", UUID.randomUUID(), "inputs", ligands)).post(path), 422);
        problem(as(client).body(Map.of("template", Platform.TEMPLATE, "inputs", Map.of("receptor", "R",
                "moleculeIds", List.of(UUID.randomUUID())))).post(path), 422);
    }

    @Test
    void reportsThatCannotBeTrueAreRefused() {
        String job = ids.jobId();
        String steps = "/api/v1/orgs/" + org + "/work/jobs/" + job + "/steps/";
        problem(as(worker).body(Map.of("worker", "w", "status", "done")).put(steps + "0"), 400);
        problem(as(worker).body(Map.of("worker", "w", "status", "running")).put(steps + "-1"), 400);
        problem(as(worker).body(Map.of("worker", "w", "status", "running")).put(steps + "x"), 400);
        problem(as(worker).body(Map.of("worker", "w", "status", "running")).put(steps + "99"), 404);
        problem(report(org, worker, job, "steps/0/results", Map.of("worker", "w")), 400);
        problem(report(org, worker, job, "steps/0/results", Map.of("worker", "w", "data", Map.of(), "confidence", 2)), 400);
        problem(report(org, worker, job, "steps/0/results", Map.of("worker", "w", "data", Map.of(),
                "artifacts", "s3://one")), 400);
        problem(report(org, worker, job, "progress", Map.of("worker", "w", "progress", 101)), 400);
        problem(report(org, worker, job, "progress", Map.of("worker", "w", "message", "m".repeat(2001))), 400);
        problem(report(org, worker, job, "fail", Map.of("worker", "w", "error", " ")), 400);
        problem(report(org, worker, job, "docking-results", Map.of("worker", "w", "results", List.of())), 400);
        List<Map<String, Object>> broken = List.of(
                Map.of("score", -1.0, "poses", List.of()),
                Map.of("moleculeId", ids.moleculeId(), "poses", List.of()),
                Map.of("moleculeId", ids.moleculeId(), "score", "strong", "poses", List.of()),
                Map.of("moleculeId", ids.moleculeId(), "score", -1.0, "poses", Map.of()),
                Map.of("moleculeId", ids.moleculeId(), "score", -1.0, "rank", 0, "poses", List.of()),
                Map.of("moleculeId", ids.moleculeId(), "score", -1.0));
        for (Map<String, Object> result : broken) {
            problem(report(org, worker, job, "docking-results", Map.of("worker", "w", "results", List.of(result))), 400);
        }
        List<Map<String, Object>> tooMany = new ArrayList<>(Collections.nCopies(5001,
                Map.of("moleculeId", ids.moleculeId(), "score", -1.0, "poses", List.of())));
        problem(report(org, worker, job, "docking-results", Map.of("worker", "w", "results", tooMany)), 400);
        as(client).get("/api/v1/orgs/" + org + "/jobs/" + job + "/docking-results").then().statusCode(200)
                .body("items.size()", equalTo(0));
    }

    @Test
    void controlCharactersOverlongValuesAndDuplicateKeysNeverReachTheDatabase() {
        for (Endpoints.Endpoint endpoint : Endpoints.ALL) {
            refused(raw(endpoint).request(endpoint.method(), endpoint.pathFor("a%00b", ids)), "orgId");
            refused(raw(endpoint).request(endpoint.method(), endpoint.pathFor("x".repeat(1025), ids)), "orgId");
            if (endpoint.path().contains("{jobId}")) {
                refused(raw(endpoint).request(endpoint.method(), endpoint.pathFor(org,
                        new Endpoints.Ids("a%01b", ids.executionId(), ids.moleculeId()))), "jobId");
            }
        }
        String jobs = "/api/v1/orgs/" + org + "/jobs";
        refused(as(client).urlEncodingEnabled(false).get(jobs + "?after=%00"), "after");
        refused(as(client).urlEncodingEnabled(false).get(jobs + "?status=" + "x".repeat(1025)), "status");
        problem(as(client).urlEncodingEnabled(false).get(jobs + "?limit=99999999999999"), 400);
        String job = ids.jobId();
        refused(report(org, worker, job, "progress", Map.of("worker", "w", "message", "a\u0000b")), "message");
        refused(report(org, worker, job, "steps/0/results", Map.of("worker", "w", "data",
                Map.of("k", List.of("ok", "a\u0000b")))), "data.k[1]");
        refused(report(org, worker, job, "progress", "{\"worker\": \"w\", \"worker\": \"v\"}"), "worker");
        given().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void wrongMethodsAreRefusedWithAProblem() {
        problem(as(client).delete("/api/v1/orgs/" + org + "/jobs"), 405);
        problem(as(client).put("/api/v1/orgs/" + org + "/jobs/" + ids.jobId()), 405);
        problem(as(worker).get("/api/v1/orgs/" + org + "/work/next"), 405);
    }

    private static Response problem(Response response, int status) {
        response.then().statusCode(allOf(greaterThanOrEqualTo(400), lessThan(500))).statusCode(status)
                .contentType("application/problem+json").body("status", equalTo(status));
        return response;
    }

    private static void refused(Response response, String field) {
        problem(response, 400).then().body("errors[0].field", equalTo(field));
    }

    /** The endpoint's request with its path sent exactly as written, percent escapes and all. */
    private static RequestSpecification raw(Endpoints.Endpoint endpoint) {
        RequestSpecification request = given().auth().oauth2(tokenFor(endpoint)).contentType("application/json")
                .urlEncodingEnabled(false);
        return endpoint.body() == null ? request : request.body(endpoint.body());
    }

    private static Response send(Endpoints.Endpoint endpoint, Object body) {
        return given().auth().oauth2(tokenFor(endpoint)).contentType("application/json").body(body)
                .request(endpoint.method(), endpoint.pathFor(org, ids));
    }

    private static String tokenFor(Endpoints.Endpoint endpoint) {
        return endpoint.caller() == Endpoints.Caller.WORKER ? worker : client;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> asMap(Object body) {
        return (Map<String, Object>) body;
    }
}
