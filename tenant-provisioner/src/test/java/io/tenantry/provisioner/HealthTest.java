package io.tenantry.provisioner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.provisioner.fleet.FleetGauges;
import io.tenantry.provisioner.reconcile.Reconciler;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.schema.ResultsSchema;
import io.tenantry.testing.ApiDocument;
import io.tenantry.testing.TenantryTestServers;

@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = ProvisionerTestSupport.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.PROVISIONER_ROLE)})
class HealthTest {

    @Inject
    FleetGauges gauges;

    @Inject
    Reconciler reconciler;

    @Test
    void probesAnswerUpWithEveryServerListed() {
        given().get("/q/health/live").then().statusCode(200).body("status", equalTo("UP"));
        given().get("/q/health/ready").then().statusCode(200).body("status", equalTo("UP"))
                .body("checks.name", hasItem("Tenant PostgreSQL servers"))
                .body("checks.find { it.name == 'Tenant PostgreSQL servers' }.data.pg0", equalTo("UP"))
                .body("checks.find { it.name == 'Tenant PostgreSQL servers' }.data.pg1", equalTo("UP"));
        given().get("/q/health/started").then().statusCode(200).body("status", equalTo("UP"));
    }

    @Test
    void theFleetCheckReportsLagWithoutTurningTheServiceDown() {
        given().get("/q/health/ready").then().statusCode(200)
                .body("checks.find { it.name == 'Tenant fleet' }.status", equalTo("UP"))
                .body("checks.find { it.name == 'Tenant fleet' }.data.newestSchemaVersion", equalTo(ResultsSchema.NEWEST_VERSION));
    }

    @Test
    void fleetGaugesAreExported() throws Exception {
        reconciler.reconcile(ProvisionerTestSupport.newOrganization("eu-west"));
        gauges.refresh();
        given().get("/q/metrics").then().statusCode(200)
                .body(containsString("tenantry_tenants{status=\"active\"}"))
                .body(containsString("tenantry_tenants_by_schema_version{version=\"" + ResultsSchema.NEWEST_VERSION + "\"}"));
    }

    @Test
    void unknownPathsAnswerWithAProblem() {
        given().get("/api/v1/nothing-here").then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));
    }

    @Test
    void theServedApiIsTheDocumentedOne() {
        ApiDocument.assertDocumented("tenant-provisioner", given().get("/q/openapi").then().statusCode(200).extract().asString());
    }
}
