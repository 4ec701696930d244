package io.tenantry.results;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.ApiDocument;
import io.tenantry.testing.TenantryTestServers;

@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = Platform.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.RESULTS_ROLE)})
class HealthTest {

    private static String org;

    @BeforeAll
    static void registry() throws Exception {
        org = Platform.tenants(1).get(0);
    }

    @Test
    void probesAnswerUp() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.find { it.name == 'Tenant registry' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'Redis' }.status", equalTo("UP"));
        given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void metricsShowLatencyByRoutePoolsAgainstTheBudgetAndTheQueue() {
        String client = Platform.client(org);
        String jobId = Api.submit(org, client, Api.job(5));
        Api.as(client).get("/api/v1/orgs/" + org + "/jobs/" + jobId).then().statusCode(200);
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        for (String series : List.of(
                "http_server_requests_seconds_count{method=\"GET\",outcome=\"SUCCESS\",status=\"200\",uri=\"/api/v1/orgs/{orgId}/jobs/{jobId}\"}",
                "tenantry_results_pools_open", "tenantry_results_connections_granted",
                "tenantry_results_connections_budget", "tenantry_results_connections_busy",
                "tenantry_results_connections_waiting",
                "tenantry_results_queue_jobs{state=\"waiting\"}", "tenantry_results_queue_jobs{state=\"delivered\"}",
                "tenantry_results_queue_dispatch_lag_seconds_count", "tenantry_results_queue_dispatch_failures_total")) {
            assertTrue(metrics.contains(series), series);
        }
        assertFalse(metrics.contains("uri=\"/api/v1/orgs/" + org), "routes are labelled by template, not by tenant");
    }

    @Test
    void theOpenApiDocumentDescribesTheApi() {
        given().get("/q/openapi?format=json").then().statusCode(200)
                .body("info.title", equalTo("Tenantry results-service"))
                .body("paths.'/api/v1/orgs/{orgId}/work/next'.post", notNullValue());
    }

    @Test
    void unknownPathsAnswerWithAProblem() {
        given().get("/api/v1/nothing-here").then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));
    }

    @Test
    void theServedApiIsTheDocumentedOne() {
        ApiDocument.assertDocumented("results-service", given().get("/q/openapi").then().statusCode(200).extract().asString());
    }
}
