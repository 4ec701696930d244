package io.tenantry.metadata.pipeline;

import static io.tenantry.metadata.Api.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.metadata.Api;
import io.tenantry.metadata.seed.CatalogueSeeder;
import io.tenantry.testing.TenantryTestServers;

@QuarkusTest
@WithTestResource(TenantryTestServers.class)
class PipelineTemplateTest {

    @Inject
    CatalogueSeeder seeder;

    static Map<String, Object> rescoreOnly(String name) {
        return Map.of("name", name, "description", "Rescore only",
                "steps", List.of(Map.of("name", "rescore", "task", "rescoring", "config", Map.of("method", "vina"))));
    }

    @Test
    void theStandardDockingTemplateIsSeededOnceEvenWhenSeedingRunsAgain() {
        as(Api.adminToken()).queryParam("name", "standard-docking").get("/api/v1/pipeline-templates").then()
                .statusCode(200).body("items", hasSize(1)).body("items[0].version", equalTo(1))
                .body("items[0].steps.task", equalTo(List.of("receptor-preparation", "ligand-preparation", "docking", "rescoring")));
        long definitions = io.tenantry.metadata.task.TaskDefinition.count();
        seeder.seed();
        assertEquals(definitions, io.tenantry.metadata.task.TaskDefinition.count());
        as(Api.adminToken()).queryParam("name", "standard-docking").get("/api/v1/pipeline-templates").then()
                .statusCode(200).body("items", hasSize(1));
    }

    @Test
    void savingUnderAnExistingNameAddsAnImmutableNewVersion() {
        String orgId = Api.createOrg();
        Api.Member scientist = Api.member(orgId, "scientist");
        String base = "/api/v1/orgs/" + orgId + "/pipeline-templates";
        as(scientist.token()).body(rescoreOnly("quick-rescore")).post(base).then().statusCode(201)
                .body("version", equalTo(1)).body("orgId", equalTo(orgId));
        as(scientist.token()).body(Map.of("name", "quick-rescore", "steps", List.of(
                        Map.of("name", "rescore", "task", "rescoring", "config", Map.of("method", "gnina", "topN", 5)))))
                .post(base).then().statusCode(201).body("version", equalTo(2));
        as(scientist.token()).get(base + "/quick-rescore/versions/1").then().statusCode(200)
                .body("steps[0].config.method", equalTo("vina"));
        as(scientist.token()).get(base + "/quick-rescore/versions/2").then().statusCode(200)
                .body("steps[0].config.topN", equalTo(5));
        as(scientist.token()).get(base + "/quick-rescore/versions/3").then().statusCode(404);
        as(scientist.token()).get(base + "/standard-docking/versions/1").then().statusCode(200)
                .body("orgId", equalTo(null));
        as(scientist.token()).queryParam("name", "quick-rescore").get(base).then().statusCode(200)
                .body("items", hasSize(2));
        as(scientist.token()).get(base).then().statusCode(200).body("items.name", hasItem("standard-docking"));
    }

    @Test
    void anOrganizationsOwnTemplateHidesTheGlobalOneOfThatNameEvenForVersionsItLacks() {
        String name = "shadow-" + Api.unique("t").replace("_", "-");
        as(Api.adminToken()).body(rescoreOnly(name)).post("/api/v1/pipeline-templates").then().statusCode(201);
        as(Api.adminToken()).body(rescoreOnly(name)).post("/api/v1/pipeline-templates").then().statusCode(201)
                .body("version", equalTo(2));
        String owner = Api.createOrg();
        String other = Api.createOrg();
        as(Api.adminToken()).body(rescoreOnly(name)).post("/api/v1/orgs/" + owner + "/pipeline-templates")
                .then().statusCode(201).body("version", equalTo(1));

        String own = "/api/v1/orgs/" + owner + "/pipeline-templates/" + name + "/versions/";
        as(Api.adminToken()).get(own + 1).then().statusCode(200).body("orgId", equalTo(owner));
        as(Api.adminToken()).get(own + 2).then().statusCode(404).contentType("application/problem+json");
        as(Api.adminToken()).get("/api/v1/orgs/" + other + "/pipeline-templates/" + name + "/versions/2")
                .then().statusCode(200).body("orgId", equalTo(null)).body("version", equalTo(2));
    }

    @Test
    void stepsAreValidatedAgainstTheirTasks() {
        String orgId = Api.createOrg();
        String base = "/api/v1/orgs/" + orgId + "/pipeline-templates";
        String token = Api.adminToken();
        as(token).body(Map.of("name", "bad", "steps", List.of(Map.of("name", "step-one", "task", "no-such-task"))))
                .post(base).then().statusCode(422).body("detail", containsString("unknown task"));
        as(token).body(Map.of("name", "bad", "steps", List.of(Map.of("name", "dock", "task", "docking",
                "config", Map.of("engine", "vina"))))).post(base).then().statusCode(422)
                .body("detail", containsString("missing 'boxCenter'"));
        as(token).body(Map.of("name", "bad", "steps", List.of(Map.of("name", "rs", "task", "rescoring",
                "config", Map.of("method", "vina", "colour", "blue"))))).post(base).then().statusCode(422)
                .body("detail", containsString("unknown 'colour'"));
        as(token).body(Map.of("name", "bad", "steps", List.of(Map.of("name", "rs", "task", "rescoring",
                "config", Map.of("method", 42))))).post(base).then().statusCode(422)
                .body("detail", containsString("'method' must be string"));
        as(token).body(Map.of("name", "bad", "steps", List.of(
                Map.of("name", "rs", "task", "rescoring", "config", Map.of("method", "a")),
                Map.of("name", "rs", "task", "rescoring", "config", Map.of("method", "b"))))).post(base)
                .then().statusCode(422).body("detail", containsString("used twice"));
        as(token).body(Map.of("name", "bad", "steps", List.of())).post(base).then().statusCode(400);
        as(token).body(Map.of("name", "bad'; DROP TABLE pipeline_templates; --", "steps", List.of(
                Map.of("name", "rs", "task", "rescoring", "config", Map.of("method", "a"))))).post(base)
                .then().statusCode(400);
        as(token).body(Map.of("name", "bad", "steps", "not-a-list")).post(base).then().statusCode(400);
        as(token).get(base + "/standard-docking/versions/one").then().statusCode(400);
    }

    @Test
    void organizationTemplatesStayInsideTheirOrganization() {
        String a = Api.createOrg();
        String b = Api.createOrg();
        Api.Member scientistOfB = Api.member(b, "scientist");
        as(scientistOfB.token()).body(rescoreOnly("b-secret")).post("/api/v1/orgs/" + b + "/pipeline-templates")
                .then().statusCode(201);
        Api.Member scientistOfA = Api.member(a, "scientist");
        as(scientistOfA.token()).get("/api/v1/orgs/" + a + "/pipeline-templates").then().statusCode(200)
                .body("items.name", not(hasItem("b-secret")));
        as(scientistOfA.token()).get("/api/v1/orgs/" + a + "/pipeline-templates/b-secret/versions/1")
                .then().statusCode(404);
        as(scientistOfA.token()).get("/api/v1/orgs/" + b + "/pipeline-templates").then().statusCode(404);
        as(scientistOfA.token()).get("/api/v1/orgs/" + b + "/pipeline-templates/b-secret/versions/1")
                .then().statusCode(404);
        as(scientistOfA.token()).body(rescoreOnly("planted")).post("/api/v1/orgs/" + b + "/pipeline-templates")
                .then().statusCode(404);
        as(scientistOfA.token()).get("/api/v1/pipeline-templates").then().statusCode(200)
                .body("items.name", not(hasItem("b-secret")));
        Api.Member viewerOfA = Api.member(a, "viewer");
        as(viewerOfA.token()).body(rescoreOnly("viewer-made")).post("/api/v1/orgs/" + a + "/pipeline-templates")
                .then().statusCode(403);
        as(scientistOfA.token()).body(rescoreOnly("global-attempt")).post("/api/v1/pipeline-templates")
                .then().statusCode(403);
    }
}
