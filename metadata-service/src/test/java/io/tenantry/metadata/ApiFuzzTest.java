package io.tenantry.metadata;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.tenantry.testing.ApiFuzz;
import io.tenantry.testing.TenantryTestServers;

/** Every operation of the served OpenAPI document, fuzzed with the tokens of two organizations' admins. */
@QuarkusTest
@WithTestResource(TenantryTestServers.class)
class ApiFuzzTest {

    private static final int CASES_PER_OPERATION = 30;

    @Test
    void noInputGetsA5xxOrAnotherOrganizationsData() {
        String orgA = Api.createOrg();
        String orgB = Api.createOrg();
        Api.Member adminA = Api.member(orgA, "org-admin");
        Api.Member adminB = Api.member(orgB, "org-admin");
        ApiFuzz fuzz = new ApiFuzz(RestAssured.baseURI + ":" + RestAssured.port,
                List.of(new ApiFuzz.Caller(adminA.token(), orgA), new ApiFuzz.Caller(adminB.token(), orgB)),
                Map.of("orgId", List.of(orgA, orgB),
                        "userId", List.of(Api.userId(adminA.email()).toString(), Api.userId(adminB.email()).toString()),
                        "name", List.of("docking", "org-admin", "viewer"),
                        "version", List.of("1")));
        ApiFuzz.Outcome outcome = fuzz.run(CASES_PER_OPERATION);
        System.out.println("metadata-service API fuzz: " + ApiFuzz.describe(outcome));
    }
}
