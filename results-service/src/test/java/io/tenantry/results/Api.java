package io.tenantry.results;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.restassured.RestAssured;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/** results-service's API as its clients and workers call it, for tests. */
final class Api {

    static {
        // A failing expectation shows the exchange, so a CI log says why.
        RestAssured.enableLoggingOfRequestAndResponseIfValidationFails();
    }

    private Api() {
    }

    static RequestSpecification as(String token) {
        return given().auth().oauth2(token).contentType("application/json");
    }

    static Map<String, Object> job(List<UUID> molecules) {
        return Map.of("template", Platform.TEMPLATE,
                "inputs", Map.of("receptor", "1ABC", "moleculeIds", molecules, "parameters", Map.of("exhaustiveness", 8)));
    }

    /** A job over a named ligand set, at this priority. */
    static Map<String, Object> job(int priority) {
        return Map.of("template", Platform.TEMPLATE, "priority", priority,
                "inputs", Map.of("receptor", "2XYZ", "ligandSet", "fda-approved"));
    }

    /** Submits and returns the new job's id; fails the test unless the job was accepted. */
    static String submit(String orgId, String token, Map<String, Object> job) {
        return as(token).body(job).post("/api/v1/orgs/" + orgId + "/jobs").then().statusCode(201)
                .extract().path("id");
    }

    static Response next(String orgId, String token, String worker) {
        return as(token).body(Map.of("worker", worker)).post("/api/v1/orgs/" + orgId + "/work/next");
    }

    /** The id of the job the worker was given; fails the test when it was given none. */
    static String take(String orgId, String token, String worker) {
        return next(orgId, token, worker).then().statusCode(200).extract().path("id");
    }

    static Response report(String orgId, String token, String jobId, String what, Object body) {
        return as(token).body(body).post("/api/v1/orgs/" + orgId + "/work/jobs/" + jobId + "/" + what);
    }

    static Response step(String orgId, String token, String jobId, int step, String worker, String status) {
        return as(token).body(Map.of("worker", worker, "status", status))
                .put("/api/v1/orgs/" + orgId + "/work/jobs/" + jobId + "/steps/" + step);
    }

    /** Runs every step of a taken job to success and completes it, as a well-behaved worker does. */
    static void finish(String orgId, String token, String jobId, String worker) {
        for (int step = 0; step < 2; step++) {
            step(orgId, token, jobId, step, worker, "running").then().statusCode(200);
            step(orgId, token, jobId, step, worker, "succeeded").then().statusCode(200);
        }
        report(orgId, token, jobId, "complete", Map.of("worker", worker)).then().statusCode(200);
    }
}
