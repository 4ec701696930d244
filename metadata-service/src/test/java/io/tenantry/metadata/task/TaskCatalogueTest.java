package io.tenantry.metadata.task;

import static io.tenantry.metadata.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.everyItem;
import static org.hamcrest.Matchers.hasItems;
import static org.hamcrest.Matchers.notNullValue;

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
}
