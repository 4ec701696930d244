package io.tenantry.provisioner.console;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.testing.ConfigStub;

/**
 * Console onboarding against an HTTP server answering as metadata-service's users and orgs endpoints do (it keeps
 * accounts, refuses an organization whose admin has none): the lead's account is created only when missing, before
 * the organization, all with the operator's token. The whole flow against the real services runs in dev-launcher.
 */
class MetadataClientTest {

    private static final String TOKEN = "operator-token";
    private final ObjectMapper json = new ObjectMapper();
    private final Set<String> accounts = ConcurrentHashMap.newKeySet();
    private final List<String> calls = new CopyOnWriteArrayList<>();
    private final List<JsonNode> createdUsers = new CopyOnWriteArrayList<>();
    private HttpServer metadataService;
    private MetadataClient client;

    @BeforeEach
    void start() throws IOException {
        metadataService = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        metadataService.createContext("/api/v1/", this::answer);
        metadataService.start();
        URI base = URI.create("http://127.0.0.1:" + metadataService.getAddress().getPort());
        client = new MetadataClient();
        client.json = json;
        client.config = ConfigStub.of(ProvisionerConfig.class, Map.of("console", ConfigStub.of(
                ProvisionerConfig.Console.class, Map.of("metadataUrl", Optional.of(base)))));
    }

    @AfterEach
    void stop() {
        metadataService.stop(0);
    }

    @Test
    void aMissingLeadIsCreatedBeforeTheOrganization() {
        accounts.add("lead@acme.example.other");
        assertTrue(client.onboard(TOKEN, "acme", "Acme", "eu-west", "lead@acme.example", "Ada", "first-password-1"));
        assertEquals(List.of("GET /api/v1/users?limit=200&email=lead%40acme.example", "POST /api/v1/users",
                "POST /api/v1/orgs"), calls);
        JsonNode user = createdUsers.get(0);
        assertEquals("lead@acme.example", user.path("email").asText());
        assertEquals("Ada", user.path("displayName").asText());
        assertEquals("first-password-1", user.path("password").asText());
    }

    @Test
    void anExistingLeadIsMadeAdminWithoutANewAccount() {
        accounts.add("Lead@Acme.example");
        assertFalse(client.onboard(TOKEN, "acme", "Acme", "eu-west", "lead@acme.example", "", "unused-password"));
        assertEquals(List.of("GET /api/v1/users?limit=200&email=lead%40acme.example", "POST /api/v1/orgs"), calls);
        assertTrue(createdUsers.isEmpty());
    }

    @Test
    void aNewLeadWithoutANameIsNamedByTheirEmailAndRefusalsBecomePages() {
        assertTrue(client.onboard(TOKEN, "acme", "Acme", "eu-west", "grace@navy.example", null, "first-password-1"));
        assertEquals("grace", createdUsers.get(0).path("displayName").asText());
        ActionRefused refused = assertThrows(ActionRefused.class,
                () -> client.onboard("someone-else", "acme", "Acme", "eu-west", "x@y.example", null, "p-123456789012"));
        assertEquals(403, refused.status());
        assertTrue(refused.getMessage().contains("platform admins only"), refused.getMessage());
    }

    private void answer(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod();
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getRawQuery();
        calls.add(method + " " + path + (query == null ? "" : "?" + query));
        if (!("Bearer " + TOKEN).equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
            respond(exchange, 403, Map.of("status", 403, "detail", "platform admins only"));
            return;
        }
        byte[] sent = exchange.getRequestBody().readAllBytes();
        JsonNode body = sent.length == 0 ? json.createObjectNode() : json.readTree(sent);
        switch (method + " " + path) {
            case "GET /api/v1/users" -> {
                String prefix = exchange.getRequestURI().getQuery().replaceFirst(".*email=", "");
                respond(exchange, 200, Map.of("items", accounts.stream()
                        .filter(e -> e.toLowerCase().startsWith(prefix.toLowerCase()))
                        .map(e -> Map.of("email", e)).toList()));
            }
            case "POST /api/v1/users" -> {
                createdUsers.add(body);
                accounts.add(body.path("email").asText());
                respond(exchange, 201, Map.of("email", body.path("email").asText()));
            }
            case "POST /api/v1/orgs" -> {
                String admin = body.path("adminEmail").asText();
                boolean known = accounts.stream().anyMatch(admin::equalsIgnoreCase);
                respond(exchange, known ? 202 : 422, known ? Map.of("orgId", body.path("orgId").asText())
                        : Map.of("status", 422, "detail", "no user " + admin));
            }
            default -> respond(exchange, 404, Map.of("status", 404));
        }
    }

    private void respond(HttpExchange exchange, int status, Object body) throws IOException {
        byte[] bytes = json.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
