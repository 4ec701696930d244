package io.tenantry.results;

import static io.restassured.RestAssured.given;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

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

    /**
     * The same request sent many times at once, each on a connection of its own (RestAssured sends one request at a
     * time). The requests are under way when it is made; {@link #statuses} waits for every answer.
     */
    static final class Burst implements AutoCloseable {
        private final ExecutorService threads;
        private final List<CompletableFuture<HttpResponse<Void>>> answers = new ArrayList<>();

        private Burst(HttpRequest request, int count) {
            threads = Executors.newFixedThreadPool(count);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).executor(threads).build();
            for (int i = 0; i < count; i++) {
                answers.add(http.sendAsync(request, HttpResponse.BodyHandlers.discarding()));
            }
        }

        static Burst get(String path, String token, int count) {
            return new Burst(request(path, token).GET().build(), count);
        }

        static Burst post(String path, String token, Object body, int count) throws JsonProcessingException {
            String json = new ObjectMapper().writeValueAsString(body);
            return new Burst(request(path, token).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(json)).build(), count);
        }

        private static HttpRequest.Builder request(String path, String token) {
            return HttpRequest.newBuilder(URI.create("http://localhost:" + RestAssured.port + path))
                    .header("Authorization", "Bearer " + token);
        }

        /** How many answers had each status. */
        Map<Integer, Long> statuses() {
            return answers.stream().map(CompletableFuture::join)
                    .collect(Collectors.groupingBy(HttpResponse::statusCode, Collectors.counting()));
        }

        @Override
        public void close() {
            threads.shutdownNow();
        }
    }
}
