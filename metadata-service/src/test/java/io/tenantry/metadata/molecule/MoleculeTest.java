package io.tenantry.metadata.molecule;

import static io.tenantry.metadata.Api.as;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import java.util.HashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.metadata.Api;
import io.tenantry.testing.TenantryTestServers;

@QuarkusTest
@WithTestResource(TenantryTestServers.class)
class MoleculeTest {

    static final String ASPIRIN_KEY = "BSYNRYMUTXBXSQ-UHFFFAOYSA-N";

    static Map<String, Object> aspirin() {
        return Map.of("name", "aspirin", "smiles", "CC(=O)OC1=CC=CC=C1C(=O)O", "formula", "C9H8O4",
                "inchiKey", ASPIRIN_KEY);
    }

    static Map<String, Object> with(String field, Object value) {
        Map<String, Object> body = new HashMap<>(aspirin());
        body.put(field, value);
        return body;
    }

    @Test
    void scientistsRegisterFindAndDeleteMolecules() {
        String orgId = Api.createOrg();
        Api.Member scientist = Api.member(orgId, "scientist");
        String base = "/api/v1/orgs/" + orgId + "/molecules";
        String id = as(scientist.token()).body(aspirin()).post(base).then().statusCode(201)
                .body("id", notNullValue()).extract().path("id");
        as(scientist.token()).body(aspirin()).post(base).then().statusCode(409)
                .contentType("application/problem+json");
        as(scientist.token()).body(Map.of("name", "caffeine", "smiles", "CN1C=NC2=C1C(=O)N(C(=O)N2C)C", "inchiKey",
                "RYYVLZVUVIJVGH-UHFFFAOYSA-N")).post(base).then().statusCode(201);
        as(scientist.token()).get(base + "/" + id).then().statusCode(200).body("formula", equalTo("C9H8O4"));
        as(scientist.token()).queryParam("name", "asp").get(base).then().statusCode(200).body("items", hasSize(1));
        as(scientist.token()).queryParam("inchiKey", ASPIRIN_KEY).get(base).then().statusCode(200)
                .body("items[0].id", equalTo(id));
        as(scientist.token()).queryParam("name", "%").get(base).then().statusCode(200).body("items", hasSize(0));
        var page = as(scientist.token()).queryParam("limit", 1).get(base).then().statusCode(200)
                .body("items", hasSize(1)).extract().jsonPath();
        as(scientist.token()).queryParam("limit", 1).queryParam("after", page.getString("next")).get(base)
                .then().statusCode(200).body("items", hasSize(1)).body("next", equalTo(null));
        as(scientist.token()).delete(base + "/" + id).then().statusCode(204);
        as(scientist.token()).get(base + "/" + id).then().statusCode(404);
    }

    @Test
    void badMoleculesGet400() {
        String orgId = Api.createOrg();
        String base = "/api/v1/orgs/" + orgId + "/molecules";
        String token = Api.adminToken();
        as(token).body(with("inchiKey", "not-a-key")).post(base).then().statusCode(400)
                .body("errors[0].field", equalTo("inchiKey"));
        as(token).body(with("smiles", "C C'; DROP TABLE molecules; --")).post(base).then().statusCode(400)
                .body("errors[0].field", equalTo("smiles"));
        as(token).body(with("smiles", "C".repeat(2001))).post(base).then().statusCode(400);
        as(token).body(with("name", "")).post(base).then().statusCode(400);
        as(token).body(with("formula", "C9 H8")).post(base).then().statusCode(400);
        as(token).body(with("name", 12)).post(base).then().statusCode(400).body("errors[0].field", equalTo("name"));
    }

    @Test
    void moleculesOfOneOrganizationAreInvisibleToAnother() {
        String a = Api.createOrg();
        String b = Api.createOrg();
        Api.Member scientistOfB = Api.member(b, "scientist");
        String idOfB = as(scientistOfB.token()).body(aspirin()).post("/api/v1/orgs/" + b + "/molecules")
                .then().statusCode(201).extract().path("id");
        Api.Member adminOfA = Api.member(a, "org-admin");
        as(adminOfA.token()).get("/api/v1/orgs/" + a + "/molecules/" + idOfB).then().statusCode(404);
        as(adminOfA.token()).delete("/api/v1/orgs/" + a + "/molecules/" + idOfB).then().statusCode(404);
        as(adminOfA.token()).get("/api/v1/orgs/" + b + "/molecules/" + idOfB).then().statusCode(404);
        as(adminOfA.token()).get("/api/v1/orgs/" + b + "/molecules").then().statusCode(404);
        as(adminOfA.token()).body(aspirin()).post("/api/v1/orgs/" + b + "/molecules").then().statusCode(404);
        as(adminOfA.token()).body(aspirin()).post("/api/v1/orgs/" + a + "/molecules").then().statusCode(201);
        as(scientistOfB.token()).get("/api/v1/orgs/" + b + "/molecules/" + idOfB).then().statusCode(200);
        Api.Member viewerOfB = Api.member(b, "viewer");
        as(viewerOfB.token()).delete("/api/v1/orgs/" + b + "/molecules/" + idOfB).then().statusCode(403);
    }
}
