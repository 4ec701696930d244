package io.tenantry.results;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.ApiFuzz;
import io.tenantry.testing.TenantryTestServers;

/** Every operation of the served OpenAPI document, fuzzed with the client and worker tokens of two organizations. */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = Platform.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.RESULTS_ROLE)})
class ApiFuzzTest {

    private static final int CASES_PER_OPERATION = 60;

    @Test
    void noInputGetsA5xxOrAnotherOrganizationsData() throws Exception {
        List<String> orgs = Platform.tenants(2);
        String orgA = orgs.get(0);
        String orgB = orgs.get(1);
        UUID moleculeA = Platform.molecules(orgA, 1).get(0);
        UUID moleculeB = Platform.molecules(orgB, 1).get(0);
        String jobA = Api.submit(orgA, Platform.client(orgA), Api.job(List.of(moleculeA)));
        String jobB = Api.submit(orgB, Platform.client(orgB), Api.job(List.of(moleculeB)));
        ApiFuzz fuzz = new ApiFuzz(RestAssured.baseURI + ":" + RestAssured.port,
                List.of(new ApiFuzz.Caller(Platform.client(orgA), orgA), new ApiFuzz.Caller(Platform.worker(orgA), orgA),
                        new ApiFuzz.Caller(Platform.client(orgB), orgB), new ApiFuzz.Caller(Platform.worker(orgB), orgB)),
                Map.of("orgId", List.of(orgA, orgB),
                        "jobId", List.of(jobA, jobB),
                        "moleculeId", List.of(moleculeA.toString(), moleculeB.toString())));
        ApiFuzz.Outcome outcome = fuzz.run(CASES_PER_OPERATION);
        System.out.println("results-service API fuzz: " + ApiFuzz.describe(outcome));
    }
}
