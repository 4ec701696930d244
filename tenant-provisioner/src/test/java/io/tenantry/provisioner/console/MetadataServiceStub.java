package io.tenantry.provisioner.console;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;

/**
 * An HTTP server answering as metadata-service's users, orgs and token endpoints answer the console: it keeps
 * accounts (the email filter a case-insensitive prefix), creates them (201), onboards an organization (202) only with
 * an admin who has an account and an id not taken (422, 409 otherwise), and refuses every sign-in as a wrong
 * password (401), recording every call with its token. As a Quarkus test resource it is the console's
 * metadata-service and hands itself to the test's field of its type.
 */
public class MetadataServiceStub implements QuarkusTestResourceLifecycleManager {

    /** A call as it arrived: method, path and query, the Authorization header, the JSON body (empty: none). */
    public record Call(String request, String authorization, JsonNode body) {
    }

    private final ObjectMapper json = new ObjectMapper();
    private final Set<String> accounts = ConcurrentHashMap.newKeySet();
    private final Set<String> organizations = ConcurrentHashMap.newKeySet();
    private final List<Call> calls = new CopyOnWriteArrayList<>();
    private HttpServer server;

    public URI startServer() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/api/v1/", this::answer);
        server.start();
        return url();
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    public void stopServer() {
        server.stop(0);
    }

    public void addAccount(String email) {
        accounts.add(email);
    }

    public List<Call> calls() {
        return List.copyOf(calls);
    }

    public void forgetCalls() {
        calls.clear();
    }

    @Override
    public Map<String, String> start() {
        return Map.of("tenantry.provisioner.console.metadata-url", startServer().toString());
    }

    @Override
    public void inject(TestInjector testInjector) {
        testInjector.injectIntoFields(this, new TestInjector.MatchesType(MetadataServiceStub.class));
    }

    @Override
    public void stop() {
        stopServer();
    }

    private void answer(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getRawPath();
        String query = exchange.getRequestURI().getQuery();
        byte[] sent = exchange.getRequestBody().readAllBytes();
        boolean form = path.equals("/api/v1/auth/token");
        JsonNode body = sent.length == 0 || form ? json.createObjectNode() : json.readTree(sent);
        calls.add(new Call(exchange.getRequestMethod() + " " + path
                + (exchange.getRequestURI().getRawQuery() == null ? "" : "?" + exchange.getRequestURI().getRawQuery()),
                exchange.getRequestHeaders().getFirst("Authorization"), body));
        switch (exchange.getRequestMethod() + " " + path) {
            case "POST /api/v1/auth/token" ->
                    respond(exchange, 401, Map.of("error", "invalid_grant", "detail", "wrong email or password"));
            case "GET /api/v1/users" -> {
                String prefix = query == null ? "" : query.replaceFirst(".*email=", "").toLowerCase();
                respond(exchange, 200, Map.of("items", accounts.stream()
                        .filter(e -> e.toLowerCase().startsWith(prefix)).map(e -> Map.of("email", e)).toList()));
            }
            case "POST /api/v1/users" -> {
                accounts.add(body.path("email").asText());
                respond(exchange, 201, Map.of("email", body.path("email").asText()));
            }
            case "POST /api/v1/orgs" -> {
                String admin = body.path("adminEmail").asText();
                String orgId = body.path("orgId").asText();
                if (accounts.stream().noneMatch(admin::equalsIgnoreCase)) {
                    respond(exchange, 422, Map.of("status", 422, "detail", "no user has the email " + admin));
                } else if (!organizations.add(orgId)) {
                    respond(exchange, 409, Map.of("status", 409, "detail", "organization '" + orgId
                            + "' already exists; organization ids are never reused"));
                } else {
                    respond(exchange, 202, Map.of("orgId", orgId, "status", "requested"));
                }
            }
            default -> respond(exchange, 404, Map.of("status", 404, "detail", "no resource at this path"));
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
