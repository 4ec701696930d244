package io.tenantry.results;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.testing.TenantryTestServers;

@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = Platform.METADATA_MIGRATIONS)})
class HealthTest {

    @BeforeAll
    static void registry() throws Exception {
        Platform.tenants(1);
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
    void unknownPathsAnswerWithAProblem() {
        given().get("/api/v1/nothing-here").then().statusCode(404)
                .contentType("application/problem+json").body("status", equalTo(404));
    }
}
