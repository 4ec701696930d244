package io.tenantry.metadata;

import static io.restassured.RestAssured.given;
import static io.tenantry.metadata.Api.as;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.tenantry.testing.TenantryTestServers;

/** Input that no endpoint can take is refused with a 400 problem naming what is wrong, before it reaches the database. */
@QuarkusTest
@WithTestResource(TenantryTestServers.class)
class BadInputTest {

    @Test
    void aKeyGivenTwiceIsRefused() {
        String name = taskName();
        String body = """
                {"name": "%s", "displayName": "One", "displayName": "Two",
                 "configSchema": {"type": "object"}}""".formatted(name);
        refused(as(Api.adminToken()).body(body).post("/api/v1/task-definitions"), "displayName");
        String nested = """
                {"name": "%s", "displayName": "One", "configSchema": {"type": "object", "type": "array"}}"""
                .formatted(name);
        refused(as(Api.adminToken()).body(nested).post("/api/v1/task-definitions"), "configSchema.type");
        as(Api.adminToken()).get("/api/v1/task-definitions/" + name).then().statusCode(404);
    }

    @Test
    void pathSegmentsThatNoNameCanBeAreRefused() {
        String org = Api.createOrg();
        String admin = Api.member(org, "org-admin").token();
        for (String segment : List.of("a%00b", "%00", "a%01b", "%7F", "a%C2%85b", "%FF", "%ED%A0%80", "%20%20",
                "x".repeat(1025))) {
            refused(raw(admin).get("/api/v1/task-definitions/" + segment), "name");
            refused(raw(admin).get("/api/v1/pipeline-templates/" + segment + "/versions/1"), "name");
            refused(raw(admin).get("/api/v1/orgs/" + org + "/pipeline-templates/" + segment + "/versions/1"), "name");
            refused(raw(admin).delete("/api/v1/orgs/" + org + "/roles/" + segment), "name");
            refused(raw(admin).get("/api/v1/orgs/" + segment + "/roles"), "orgId");
        }
        as(admin).get("/api/v1/orgs/" + org + "/roles").then().statusCode(200);
    }

    @Test
    void queryParametersAreHeldToTheSameRules() {
        String token = Api.member(Api.createOrg(), "viewer").token();
        refused(raw(token).get("/api/v1/pipeline-templates?name=a%01b"), "name");
        refused(raw(token).get("/api/v1/pipeline-templates?name=%00"), "name");
        refused(raw(token).get("/api/v1/pipeline-templates?after=%0A"), "after");
        refused(raw(token).get("/api/v1/pipeline-templates?name=" + "n".repeat(1025)), "name");
        refused(raw(token).get("/api/v1/pipeline-templates?name=%20"), "name");
        refused(raw(token).get("/api/v1/pipeline-templates?na%00me=x"), "(unprintable name)");
        problem(raw(token).get("/api/v1/task-definitions?limit=99999999999999"), 400);
        problem(raw(token).get("/api/v1/task-definitions?limit=-99999999999999999999"), 400);
        problem(raw(token).get("/api/v1/pipeline-templates/docking/versions/99999999999999"), 400);
        raw(token).get("/api/v1/pipeline-templates?name=" + "n".repeat(63)).then().statusCode(200);
    }

    @Test
    void controlCharactersInHeadersAndFormsAreRefused() {
        String token = Api.member(Api.createOrg(), "viewer").token();
        // The HTTP client the other tests use turns control characters in headers into spaces; a socket does not.
        // The HTTP layer refuses them itself, before any filter, with a bare 400: never a 5xx.
        for (String value : List.of("a\u0000b", "a\u0001b", "a\u007Fb")) {
            String answer = overSocket("GET /api/v1/task-definitions HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + token + "\r\nX-Note: " + value + "\r\nConnection: close\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        }
        refused(as(token).header("X-Note", "n".repeat(8193)).get("/api/v1/task-definitions"), "header X-Note");
        as(token).header("X-Note", "a\tb").get("/api/v1/task-definitions").then().statusCode(200);
        refused(given().header("X-Forwarded-For", Api.freshAddress()).contentType(ContentType.URLENC)
                .urlEncodingEnabled(false)
                .body("grant_type=password&username=a%00b@example.com&password=" + Api.PASSWORD)
                .post("/api/v1/auth/token"), "username");
    }

    /** The HTTP layer refuses these itself, before any filter, with a bare 400: never a 5xx. */
    @Test
    void brokenPercentEncodingIsABadRequest() {
        String token = Api.member(Api.createOrg(), "viewer").token();
        for (String target : List.of("/api/v1/pipeline-templates?name=%ZZ", "/api/v1/pipeline-templates?name=%",
                "/api/v1/task-definitions/%ZZ", "/api/v1/task-definitions/a%")) {
            String answer = overSocket("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + token + "\r\nConnection: close\r\n\r\n");
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer);
        }
    }

    @Test
    void stringsInBodiesMayBreakLinesButHoldNoOtherControlCharacter() {
        String name = taskName();
        refused(define(name, "\"a\\u0000b\"", "{\"type\": \"object\"}"), "displayName");
        refused(define(name, "\"a\\u001bb\"", "{\"type\": \"object\"}"), "displayName");
        refused(define(name, "\"a\\ud800b\"", "{\"type\": \"object\"}"), "displayName");
        refused(define(name, "\"ok\"", "{\"type\": \"object\", \"description\": \"x\\u0000\"}"),
                "configSchema.description");
        refused(define(name, "\"ok\"", "{\"type\": \"object\", \"properties\": {\"a\\u0000\": {}}}"),
                "configSchema.properties");
        refused(define(name, "\"ok\"", "{\"type\": \"object\", \"required\": [\"ok\", \"\\u0007\"]}"),
                "configSchema.required[1]");
        as(Api.adminToken()).get("/api/v1/task-definitions/" + name).then().statusCode(404);
        define(name, "\"Two\\nlines\\twith a tab \\ud83e\\uddea\"", "{\"type\": \"object\"}").then().statusCode(201)
                .body("displayName", equalTo("Two\nlines\twith a tab \uD83E\uDDEA"));
    }

    @Test
    void theServiceStaysReady() {
        raw(Api.adminToken()).get("/api/v1/task-definitions/%00");
        given().get("/q/health/ready").then().statusCode(200);
        as(Api.adminToken()).body(Map.of()).get("/api/v1/task-definitions/docking").then().statusCode(200);
    }

    private static String overSocket(String request) {
        try (Socket socket = new Socket("localhost", RestAssured.port)) {
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Response define(String name, String displayNameJson, String schemaJson) {
        return as(Api.adminToken()).body("{\"name\": \"%s\", \"displayName\": %s, \"configSchema\": %s}"
                .formatted(name, displayNameJson, schemaJson)).post("/api/v1/task-definitions");
    }

    private static String taskName() {
        return "t-" + Api.unique("in").replace("_", "-");
    }

    /** A request whose path and query are sent exactly as written, percent escapes and all. */
    private static RequestSpecification raw(String token) {
        return as(token).urlEncodingEnabled(false);
    }

    @Test
    void problemsSayWhatKindTheyAre() {
        String name = taskName();
        String orgAdmin = Api.member(Api.createOrg(), "org-admin").token();
        kind(given().get("/api/v1/task-definitions"), 401, "unauthorized");
        kind(define(name, "\"One\"", "{\"type\": \"object\"}"), 201, null);
        kind(define(name, "\"Again\"", "{\"type\": \"object\"}"), 409, "conflict");
        kind(define(taskName(), "\"X\"", "{\"type\": \"array\"}"), 422, "unprocessable");
        kind(as(orgAdmin).body(Map.of("name", taskName(), "displayName", "X", "configSchema", Map.of("type", "object")))
                .post("/api/v1/task-definitions"), 403, "forbidden");
        kind(as(orgAdmin).get("/api/v1/task-definitions/no-such-task"), 404, "not-found");
        kind(as(orgAdmin).delete("/api/v1/task-definitions"), 405, "unsupported-request");
        kind(as(orgAdmin).body("{").post("/api/v1/task-definitions"), 400, "validation");
    }

    private static void kind(Response response, int status, String type) {
        response.then().statusCode(status);
        if (type != null) {
            response.then().contentType("application/problem+json")
                    .body("type", equalTo("https://tenantry.dev/problems/" + type));
        }
    }

    private static void refused(Response response, String field) {
        problem(response, 400).then().body("errors[0].field", equalTo(field))
                .body("type", equalTo("https://tenantry.dev/problems/validation"))
                .body("detail", containsString(field));
    }

    static Response problem(Response response, int status) {
        response.then().statusCode(status).contentType("application/problem+json").body("status", equalTo(status));
        return response;
    }
}
