package io.tenantry.metadata;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.testing.TenantryTestServers;

/** What the served OpenAPI document promises beyond its paths: names, examples, problems and sign-in. */
@QuarkusTest
@WithTestResource(TenantryTestServers.class)
class OpenApiContractTest {

    private static final String TOKEN_PATH = "/api/v1/auth/token";
    private JsonNode document;

    @BeforeEach
    void read() throws Exception {
        document = new ObjectMapper().readTree(given().queryParam("format", "json").get("/q/openapi")
                .then().statusCode(200).extract().asString());
    }

    @Test
    void schemaNamesSayWhatTheyAreNotWhichCameFirst() {
        List<String> numbered = new ArrayList<>();
        document.at("/components/schemas").fieldNames().forEachRemaining(name -> {
            if (name.matches(".*\\d$") || List.of("Create", "Update", "Define", "Register", "Step").contains(name)) {
                numbered.add(name);
            }
        });
        assertEquals(List.of(), numbered);
    }

    @Test
    void everyRequestBodyHasAnExample() {
        List<String> without = new ArrayList<>();
        forEachOperation((where, operation) -> operation.at("/requestBody/content").forEach(media -> {
            JsonNode schema = media.at("/schema/$ref").isMissingNode() ? media.at("/schema")
                    : document.at("/components/schemas/" + media.at("/schema/$ref").asText().replaceFirst(".*/", ""));
            if (!media.has("examples") && !schema.has("examples")) {
                without.add(where);
            }
        }));
        assertEquals(List.of(), without);
    }

    @Test
    void everyProblemResponseHasTheProblemBody() {
        List<String> bare = new ArrayList<>();
        forEachOperation((where, operation) -> operation.path("responses").fieldNames().forEachRemaining(code -> {
            String ref = operation.at("/responses/" + code + "/content/application~1problem+json/schema/$ref").asText();
            if (code.startsWith("4") && !code.equals("413") && !ref.equals("#/components/schemas/Problem")) {
                bare.add(where + " " + code);
            }
        }));
        assertEquals(List.of(), bare);
        assertTrue(document.at("/components/schemas/Problem/properties").has("detail"));
    }

    @Test
    void swaggerUiSignsInAtTheTokenEndpointWhichItselfNeedsNoToken() {
        JsonNode flows = document.at("/components/securitySchemes/tenantry/flows");
        assertEquals(TOKEN_PATH, flows.at("/password/tokenUrl").asText());
        assertEquals(TOKEN_PATH, flows.at("/clientCredentials/tokenUrl").asText());
        assertEquals(1, document.at("/components/securitySchemes").size());
        List<String> unsecured = new ArrayList<>();
        forEachOperation((where, operation) -> {
            if (!operation.path("security").toString().contains("tenantry")) {
                unsecured.add(where);
            }
        });
        assertEquals(List.of("post " + TOKEN_PATH, "get /api/v1/auth/jwks"), unsecured);
        assertTrue(document.at("/paths/" + TOKEN_PATH.replace("/", "~1") + "/post/responses").has("429"));
    }

    private void forEachOperation(BiConsumer<String, JsonNode> check) {
        document.path("paths").fields().forEachRemaining((Map.Entry<String, JsonNode> path) ->
                path.getValue().fields().forEachRemaining(operation -> check.accept(
                        operation.getKey() + " " + path.getKey(), operation.getValue())));
    }
}
