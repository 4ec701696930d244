package io.tenantry.provisioner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import java.util.Set;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.TenantryTestServers;

/** The shared input rules hold here too: a 400 problem naming the parameter, before anything reaches the database. */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = ProvisionerTestSupport.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.PROVISIONER_ROLE)})
class BadInputTest {

    @Test
    void controlCharactersOverlongValuesAndDuplicateKeysAreRefused() {
        refused(admin().get("/api/v1/tenants/a%00b"), "orgId");
        refused(admin().get("/api/v1/tenants/" + "a".repeat(1025)), "orgId");
        refused(admin().get("/api/v1/rollouts/%01"), "id");
        refused(admin().get("/api/v1/tenants?note=%1B"), "note");
        refused(admin().body("{\"canarySize\": 1, \"canarySize\": 2}").post("/api/v1/rollouts"), "canarySize");
        given().get("/q/health/ready").then().statusCode(200);
    }

    private static RequestSpecification admin() {
        return given().auth().oauth2(Jwt.subject("user:admin").groups(Set.of("user", "platform-admin")).sign()).contentType("application/json").urlEncodingEnabled(false);
    }

    private static void refused(Response response, String field) {
        response.then().statusCode(400).contentType("application/problem+json").body("status", equalTo(400))
                .body("errors[0].field", equalTo(field));
    }
}
