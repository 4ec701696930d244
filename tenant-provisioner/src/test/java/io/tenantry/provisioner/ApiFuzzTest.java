package io.tenantry.provisioner;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.smallrye.jwt.build.Jwt;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.ApiFuzz;
import io.tenantry.testing.TenantryTestServers;

/** Every operation of the served OpenAPI document, fuzzed with a platform admin's token and an organization's. */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = ProvisionerTestSupport.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.PROVISIONER_ROLE)})
class ApiFuzzTest {

    private static final int CASES_PER_OPERATION = 50;

    @Test
    void noInputGetsA5xxOrAnotherOrganizationsData() throws Exception {
        String orgA = ProvisionerTestSupport.newOrganization("eu-west");
        String orgB = ProvisionerTestSupport.newOrganization("eu-west");
        String admin = Jwt.subject("user:admin").groups(Set.of("user", "platform-admin")).sign();
        String memberOfA = Jwt.subject("user:someone").groups(Set.of("user")).claim("org", orgA).sign();
        ApiFuzz fuzz = new ApiFuzz(RestAssured.baseURI + ":" + RestAssured.port,
                List.of(new ApiFuzz.Caller(admin, null), new ApiFuzz.Caller(memberOfA, orgA)),
                Map.of("orgId", List.of(orgA, orgB)));
        ApiFuzz.Outcome outcome = fuzz.run(CASES_PER_OPERATION);
        System.out.println("tenant-provisioner API fuzz: " + ApiFuzz.describe(outcome));
    }
}
