package io.tenantry.provisioner.console;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.tenantry.provisioner.ProvisionerConfig;

/**
 * metadata-service's API as the console calls it: sign-in, and the changes of desired state it owns (onboarding with
 * the lead's account, suspending, resuming), each with the operator's own token so metadata-service checks and audits
 * them as theirs.
 */
@ApplicationScoped
public class MetadataClient {

    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Inject
    ProvisionerConfig config;

    @Inject
    ObjectMapper json;

    /** A token for the person's email and password and how many seconds it lives, or {@link ActionRefused}. */
    public record SignedIn(String token, long expiresIn) {
    }

    public SignedIn signIn(String email, String password) {
        String form = Map.of("grant_type", "password", "username", email, "password", password).entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        JsonNode answer = send(HttpRequest.newBuilder(uri("/api/v1/auth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)), 200);
        return new SignedIn(answer.path("access_token").asText(), answer.path("expires_in").asLong(900));
    }

    /**
     * Onboards an organization with its lead as its admin, as the CLI's {@code orgs onboard} does: the lead's account
     * is created first when there is none, named {@code leadName} (blank: the email's local part) with
     * {@code newLeadPassword}; the provisioner follows. Whether the account was created.
     */
    public boolean onboard(String token, String orgId, String displayName, String region, String leadEmail,
                           String leadName, String newLeadPassword) {
        boolean created = !userExists(token, leadEmail);
        if (created) {
            Map<String, Object> user = new LinkedHashMap<>();
            user.put("email", leadEmail);
            user.put("displayName", leadName == null || leadName.isBlank() ? leadEmail.replaceFirst("@.*", "")
                    : leadName.trim());
            user.put("password", newLeadPassword);
            sendJson(token, "POST", "/api/v1/users", user, 201);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("orgId", orgId);
        body.put("displayName", displayName);
        body.put("region", region);
        body.put("adminEmail", leadEmail);
        sendJson(token, "POST", "/api/v1/orgs", body, 202);
        return created;
    }

    /** Whether an account has exactly this email (the API's filter is a prefix, and emails differ in case only). */
    private boolean userExists(String token, String email) {
        JsonNode users = send(HttpRequest.newBuilder(uri("/api/v1/users?limit=200&email=" + encoded(email)))
                .header("Authorization", "Bearer " + token).GET(), 200);
        for (JsonNode user : users.path("items")) {
            if (user.path("email").asText().equalsIgnoreCase(email)) {
                return true;
            }
        }
        return false;
    }

    public void suspend(String token, String orgId) {
        sendJson(token, "POST", "/api/v1/orgs/" + encoded(orgId) + "/suspend", null, 202);
    }

    public void resume(String token, String orgId) {
        sendJson(token, "POST", "/api/v1/orgs/" + encoded(orgId) + "/resume", null, 202);
    }

    private void sendJson(String token, String method, String path, Object body, int expected) {
        try {
            send(HttpRequest.newBuilder(uri(path)).header("Authorization", "Bearer " + token)
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(body == null ? "" : json.writeValueAsString(body))),
                    expected);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private JsonNode send(HttpRequest.Builder request, int expected) {
        HttpResponse<String> response;
        try {
            response = http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new ActionRefused(503, "metadata-service did not answer: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ActionRefused(503, "interrupted while waiting for metadata-service");
        }
        JsonNode answer = parse(response.body());
        if (response.statusCode() != expected) {
            String detail = answer.path("detail").asText("");
            throw new ActionRefused(response.statusCode() >= 500 ? 502 : response.statusCode(),
                    "metadata-service refused: " + (detail.isEmpty() ? "HTTP " + response.statusCode() : detail));
        }
        return answer;
    }

    private JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? json.missingNode() : json.readTree(body);
        } catch (IOException e) {
            return json.missingNode();
        }
    }

    private URI uri(String path) {
        String base = config.console().metadataUrl().orElseThrow(() -> new ActionRefused(503,
                "the console does not know where metadata-service is: set TENANTRY_METADATA_URL")).toString();
        return URI.create((base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + path);
    }

    private static String encoded(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
