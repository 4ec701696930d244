package io.tenantry.results;

import static io.restassured.RestAssured.given;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.ExportedMetrics;
import io.tenantry.testing.TenantryTestServers;

/**
 * What results-service exports is what deploy/monitoring/metrics/results-service.txt lists, which the dashboards
 * and alerts are checked against. A profile of its own gives a fresh registry: only the meters registered at start
 * and by one submitted and read job are seen, whatever ran before.
 */
@QuarkusTest
@TestProfile(ExportedMetricsTest.FreshRegistry.class)
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = Platform.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.RESULTS_ROLE)})
class ExportedMetricsTest {

    public static final class FreshRegistry implements QuarkusTestProfile {
    }

    @Test
    void theListedMetricsAreExported() throws Exception {
        String org = Platform.tenants(1).get(0);
        String client = Platform.client(org);
        String jobId = Api.submit(org, client, Api.job(5));
        Api.as(client).get("/api/v1/orgs/" + org + "/jobs/" + jobId).then().statusCode(200);

        ExportedMetrics.assertListed("results-service",
                () -> given().get("/q/metrics").then().statusCode(200).extract().asString());
    }
}
