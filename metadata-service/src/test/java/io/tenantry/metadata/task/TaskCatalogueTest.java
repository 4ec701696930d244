package io.tenantry.metadata.task;

import static io.tenantry.metadata.Api.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.metadata.Api;
import io.tenantry.testing.TenantryTestServers;

@QuarkusTest
@WithTestResource(TenantryTestServers.class)
class TaskCatalogueTest {

    private static final Map<String, Object> SCHEMA = Map.of("type", "object",
            "properties", Map.of("model", Map.of("type", "string")), "required", List.of("model"));

    @Test
    void systemTasksAreSeededAndReadableByAnyMember() {
        Api.Member viewer = Api.member(Api.createOrg(), "viewer");
        as(viewer.token()).get("/api/v1/task-definitions").then().statusCode(200)
                .body("items.name", hasItems("receptor-preparation", "ligand-preparation", "docking", "rescoring"));
        as(viewer.token()).get("/api/v1/task-definitions/docking").then().statusCode(200)
                .body("system", equalTo(true)).body("configSchema.required", hasItems("engine"));
        as(viewer.token()).get("/api/v1/task-definitions/no-such-task").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void platformAdminsDefineTasksWithASchema() {
        String name = "md-" + Api.unique("sim").replace("_", "-");
        as(Api.adminToken()).body(Map.of("name", name, "displayName", "Molecular dynamics", "configSchema", SCHEMA))
                .post("/api/v1/task-definitions").then().statusCode(201).body("system", equalTo(false));
        as(Api.adminToken()).body(Map.of("name", name, "displayName", "Again", "configSchema", SCHEMA))
                .post("/api/v1/task-definitions").then().statusCode(409);
        as(Api.adminToken()).body(Map.of("name", "bad-schema", "displayName", "X", "configSchema", Map.of("type", "array")))
                .post("/api/v1/task-definitions").then().statusCode(422);
        as(Api.adminToken()).body(Map.of("name", "Bad Name", "displayName", "X", "configSchema", SCHEMA))
                .post("/api/v1/task-definitions").then().statusCode(400);
        as(Api.adminToken()).body(Map.of("name", "no-schema", "displayName", "X", "configSchema", "string"))
                .post("/api/v1/task-definitions").then().statusCode(400);
        Api.Member admin = Api.member(Api.createOrg(), "org-admin");
        as(admin.token()).body(Map.of("name", "sneaky", "displayName", "X", "configSchema", SCHEMA))
                .post("/api/v1/task-definitions").then().statusCode(403);
    }

    @Test
    void aConfigSchemaMustBeValidJsonSchemaThatCompiles() {
        assertSchemaRefused(Map.of("type", "object", "properties", Map.of("x", Map.of("type", "strin"))),
                "'configSchema.properties.x.type' does not have a value in the enumeration");
        assertSchemaRefused(Map.of("type", "object", "properties", Map.of("n", Map.of("minimum", "one"))),
                "'configSchema.properties.n.minimum' must be number");
        assertSchemaRefused(Map.of("type", "object", "required", "model"), "'configSchema.required' must be array");
        assertSchemaRefused(Map.of("type", "object", "properties", Map.of("p", Map.of("pattern", "[a-"))),
                "configSchema cannot be used: PatternSyntaxException");
        assertSchemaRefused(Map.of("type", "object", "properties", Map.of("r", Map.of("$ref", "#/$defs/nowhere"))),
                "configSchema cannot be used: Reference /$defs/nowhere cannot be resolved");
        assertSchemaRefused(Map.of("type", "object", "properties",
                Map.of("r", Map.of("$ref", "http://127.0.0.1:9/schema.json"))), "configSchema cannot be used");
    }

    @Test
    void stepConfigurationsAreCheckedAgainstTheWholeSchema() {
        String task = "scan-" + Api.unique("t").replace("_", "-");
        as(Api.adminToken()).body(Map.of("name", task, "displayName", "Scan", "configSchema", Map.of(
                        "type", "object", "additionalProperties", false, "required", List.of("mode", "grid"),
                        "properties", Map.of(
                                "mode", Map.of("type", "string", "enum", List.of("fast", "thorough")),
                                "repeats", Map.of("type", "integer", "minimum", 1),
                                "pdbId", Map.of("type", "string", "pattern", "^[0-9][A-Za-z0-9]{3}$"),
                                "grid", Map.of("type", "object", "additionalProperties", false,
                                        "required", List.of("spacing"),
                                        "properties", Map.of("spacing", Map.of("type", "number", "exclusiveMinimum", 0)))))))
                .post("/api/v1/task-definitions").then().statusCode(201);
        Map<String, Object> valid = Map.of("mode", "fast", "repeats", 3, "pdbId", "1abc", "grid", Map.of("spacing", 0.375));
        saveTemplate(task, valid).then().statusCode(201).body("steps[0].config.grid.spacing", equalTo(0.375f));

        assertConfigRefused(task, with(valid, "mode", "sloppy"), "'mode' does not have a value in the enumeration");
        assertConfigRefused(task, with(valid, "repeats", 0), "'repeats' must have a minimum value of 1");
        assertConfigRefused(task, with(valid, "pdbId", "abcd"), "'pdbId' does not match the regex pattern");
        assertConfigRefused(task, with(valid, "grid", Map.of("spacing", 0)),
                "'grid.spacing' must have an exclusive minimum value of 0");
        assertConfigRefused(task, with(valid, "grid", Map.of()), "missing 'grid.spacing'");
        assertConfigRefused(task, with(valid, "grid", Map.of("spacing", 1, "colour", "blue")), "unknown 'grid.colour'");
        assertConfigRefused(task, with(valid, "repeats", "three"), "'repeats' must be integer");
    }

    @Test
    void definitionsArePaginatedByName() {
        var first = as(Api.adminToken()).queryParam("limit", 2).get("/api/v1/task-definitions").then().statusCode(200)
                .body("items.size()", equalTo(2)).body("next", notNullValue()).extract().jsonPath();
        String lastName = first.getString("items[1].name");
        List<String> next = as(Api.adminToken()).queryParam("limit", 2).queryParam("after", first.getString("next"))
                .get("/api/v1/task-definitions").then().statusCode(200).extract().jsonPath().getList("items.name");
        org.junit.jupiter.api.Assertions.assertTrue(next.get(0).compareTo(lastName) > 0);
    }

    @Test
    void taskServicesAreRegisteredFilteredAndUpdated() {
        String name = "vina-" + Api.unique("node").replace("_", "-");
        String id = as(Api.adminToken()).body(Map.of("name", name, "task", "docking",
                        "endpoint", "https://vina.internal:8443/v1"))
                .post("/api/v1/task-services").then().statusCode(201).body("status", equalTo("up"))
                .extract().path("id");
        as(Api.adminToken()).body(Map.of("name", name, "task", "docking", "endpoint", "https://x.internal"))
                .post("/api/v1/task-services").then().statusCode(409);
        as(Api.adminToken()).body(Map.of("name", "orphan", "task", "no-such-task", "endpoint", "https://x.internal"))
                .post("/api/v1/task-services").then().statusCode(404);
        as(Api.adminToken()).body(Map.of("name", "bad-url", "task", "docking", "endpoint", "ftp://x; rm -rf /"))
                .post("/api/v1/task-services").then().statusCode(400);
        as(Api.adminToken()).body(Map.of("status", "maintenance")).patch("/api/v1/task-services/" + id)
                .then().statusCode(200).body("status", equalTo("maintenance"));
        as(Api.adminToken()).body(Map.of("status", "broken")).patch("/api/v1/task-services/" + id)
                .then().statusCode(400);
        Api.Member viewer = Api.member(Api.createOrg(), "viewer");
        as(viewer.token()).queryParam("task", "docking").queryParam("status", "maintenance")
                .get("/api/v1/task-services").then().statusCode(200)
                .body("items.task", everyItem(equalTo("docking"))).body("items.name", hasItems(name));
        as(viewer.token()).body(Map.of("status", "down")).patch("/api/v1/task-services/" + id).then().statusCode(403);
        as(viewer.token()).get("/api/v1/task-services?status=sideways").then().statusCode(400);
    }

    private static void assertSchemaRefused(Map<String, Object> schema, String problem) {
        as(Api.adminToken()).body(Map.of("name", "bad-" + Api.unique("s").replace("_", "-"), "displayName", "Bad",
                        "configSchema", schema))
                .post("/api/v1/task-definitions").then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString(problem));
    }

    private static io.restassured.response.Response saveTemplate(String task, Map<String, Object> config) {
        return as(Api.adminToken()).body(Map.of("name", "uses-" + task,
                        "steps", List.of(Map.of("name", "scan", "task", task, "config", config))))
                .post("/api/v1/pipeline-templates");
    }

    private static void assertConfigRefused(String task, Map<String, Object> config, String problem) {
        saveTemplate(task, config).then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("step 'scan' config does not fit task '" + task + "': "))
                .body("detail", containsString(problem));
    }

    private static Map<String, Object> with(Map<String, Object> config, String key, Object value) {
        Map<String, Object> changed = new HashMap<>(config);
        changed.put(key, value);
        return changed;
    }
}
