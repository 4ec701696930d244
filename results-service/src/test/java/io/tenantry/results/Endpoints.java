package io.tenantry.results;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;

/**
 * Every endpoint of results-service's API that touches tenant data, with a body it would accept, so that tests can
 * walk all of them: an endpoint added to the service and not here is caught by {@code everyEndpointIsListed}.
 */
final class Endpoints {

    /** Who calls an endpoint: the organization's clients, or its workers. */
    enum Caller { CLIENT, WORKER }

    /** The ids an endpoint's path names: the job, the molecule and the execution it is about. */
    record Ids(String jobId, String executionId, UUID moleculeId) {
    }

    record Endpoint(String method, String path, Caller caller, Object body) {

        String pathFor(String orgId, Ids ids) {
            return path.replace("{orgId}", orgId).replace("{jobId}", ids.jobId())
                    .replace("{executionId}", ids.executionId()).replace("{moleculeId}", ids.moleculeId().toString());
        }

        Response call(String token, String orgId, Ids ids) {
            RequestSpecification request = token == null ? given() : given().auth().oauth2(token);
            request = request.contentType("application/json");
            if (body != null) {
                request = request.body(body);
            }
            return request.request(method, pathFor(orgId, ids));
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    static final List<Endpoint> ALL = List.of(
            new Endpoint("POST", "/api/v1/orgs/{orgId}/jobs", Caller.CLIENT, Api.job(5)),
            new Endpoint("GET", "/api/v1/orgs/{orgId}/jobs", Caller.CLIENT, null),
            new Endpoint("GET", "/api/v1/orgs/{orgId}/jobs/{jobId}", Caller.CLIENT, null),
            new Endpoint("POST", "/api/v1/orgs/{orgId}/jobs/{jobId}/cancel", Caller.CLIENT, null),
            new Endpoint("GET", "/api/v1/orgs/{orgId}/jobs/{jobId}/events", Caller.CLIENT, null),
            new Endpoint("GET", "/api/v1/orgs/{orgId}/jobs/{jobId}/executions", Caller.CLIENT, null),
            new Endpoint("GET", "/api/v1/orgs/{orgId}/jobs/{jobId}/executions/{executionId}/results", Caller.CLIENT, null),
            new Endpoint("GET", "/api/v1/orgs/{orgId}/jobs/{jobId}/docking-results", Caller.CLIENT, null),
            new Endpoint("GET", "/api/v1/orgs/{orgId}/docking-results?moleculeId={moleculeId}", Caller.CLIENT, null),
            new Endpoint("GET", "/api/v1/orgs/{orgId}/database-health", Caller.CLIENT, null),
            new Endpoint("POST", "/api/v1/orgs/{orgId}/work/next", Caller.WORKER, Map.of("worker", "w")),
            new Endpoint("POST", "/api/v1/orgs/{orgId}/work/jobs/{jobId}/progress", Caller.WORKER,
                    Map.of("worker", "w", "progress", 10)),
            new Endpoint("PUT", "/api/v1/orgs/{orgId}/work/jobs/{jobId}/steps/0", Caller.WORKER,
                    Map.of("worker", "w", "status", "running")),
            new Endpoint("POST", "/api/v1/orgs/{orgId}/work/jobs/{jobId}/steps/0/results", Caller.WORKER,
                    Map.of("worker", "w", "data", Map.of("k", 1))),
            new Endpoint("POST", "/api/v1/orgs/{orgId}/work/jobs/{jobId}/docking-results", Caller.WORKER,
                    Map.of("worker", "w", "results", List.of(Map.of("moleculeId", UUID.randomUUID(), "score", -7.0,
                            "poses", List.of())))),
            new Endpoint("POST", "/api/v1/orgs/{orgId}/work/jobs/{jobId}/complete", Caller.WORKER, Map.of("worker", "w")),
            new Endpoint("POST", "/api/v1/orgs/{orgId}/work/jobs/{jobId}/fail", Caller.WORKER,
                    Map.of("worker", "w", "error", "broken")));

    private Endpoints() {
    }
}
