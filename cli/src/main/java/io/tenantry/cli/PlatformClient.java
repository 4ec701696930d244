package io.tenantry.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The services' REST APIs as the commands call them: JSON in and out with the session's bearer token, renewed when
 * it has expired (client credentials from {@code TENANTRY_CLIENT_SECRET}, a password asked for on a terminal), and
 * any answer outside 2xx turned into a {@link CliFailure} with the problem's text and the exit code for its status.
 */
final class PlatformClient {

    enum Service { METADATA, PROVISIONER }

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final Path configDirectory;
    private final Map<String, String> env;
    private final Supplier<char[]> askPassword;
    private Session session;

    PlatformClient(Path configDirectory, Map<String, String> env, Supplier<char[]> askPassword) {
        this.configDirectory = configDirectory;
        this.env = env;
        this.askPassword = askPassword;
    }

    /** Asks metadata-service for a token with the form's grant; the session it starts is saved by the caller. */
    static JsonNode token(String metadataUrl, Map<String, String> form) {
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(URI.create(metadataUrl + "/api/v1/auth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded").timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return send(request);
    }

    /** The session a fresh token starts. */
    static Session sessionOf(String metadataUrl, String provisionerUrl, String grant, String principal, String orgId,
                             JsonNode token) {
        return new Session(metadataUrl, provisionerUrl, grant, principal, orgId, token.get("access_token").asText(),
                expiry(token));
    }

    /** When a token just issued expires, in seconds since the epoch ({@code expires_in} counts from now). */
    private static long expiry(JsonNode token) {
        return Instant.now().getEpochSecond() + token.path("expires_in").asLong(0);
    }

    JsonNode get(Service service, String path) {
        return send(request(service, path).GET().build());
    }

    JsonNode post(Service service, String path, Object body) {
        return send(withBody(request(service, path), "POST", body));
    }

    JsonNode put(Service service, String path, Object body) {
        return send(withBody(request(service, path), "PUT", body));
    }

    JsonNode delete(Service service, String path) {
        return send(request(service, path).DELETE().build());
    }

    /** Whether {@code path} exists: its body, or a missing node on 404. */
    JsonNode find(Service service, String path) {
        try {
            return get(service, path);
        } catch (CliFailure e) {
            if (e.exitCode == ExitCodes.NOT_FOUND) {
                return JSON.missingNode();
            }
            throw e;
        }
    }

    static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private HttpRequest.Builder request(Service service, String path) {
        Session current = session();
        String base = service == Service.METADATA ? current.metadataUrl() : current.provisionerUrl();
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json").header("Authorization", "Bearer " + current.accessToken());
    }

    private static HttpRequest withBody(HttpRequest.Builder request, String method, Object body) {
        try {
            return request.header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** The saved session, its token renewed first when it has expired. */
    private Session session() {
        if (session == null) {
            session = Session.load(configDirectory).orElseThrow(() -> new CliFailure(ExitCodes.NOT_AUTHENTICATED,
                    "not logged in: run tenantry login"));
        }
        if (session.expired()) {
            session = renewed(session);
            session.save(configDirectory);
        }
        return session;
    }

    private Session renewed(Session expired) {
        Map<String, String> form = new LinkedHashMap<>();
        form.put("grant_type", expired.grant());
        if (Session.CLIENT_GRANT.equals(expired.grant())) {
            String secret = env.get("TENANTRY_CLIENT_SECRET");
            if (secret == null || secret.isEmpty()) {
                throw new CliFailure(ExitCodes.NOT_AUTHENTICATED, "the token of " + expired.principal()
                        + " expired: set TENANTRY_CLIENT_SECRET or run tenantry login again");
            }
            form.put("client_id", expired.principal());
            form.put("client_secret", secret);
        } else {
            char[] password = askPassword.get();
            if (password == null) {
                throw new CliFailure(ExitCodes.NOT_AUTHENTICATED, "the token of " + expired.principal()
                        + " expired: run tenantry login again");
            }
            form.put("username", expired.principal());
            form.put("password", new String(password));
            if (expired.orgId() != null) {
                form.put("org_id", expired.orgId());
            }
        }
        JsonNode token = token(expired.metadataUrl(), form);
        return expired.withToken(token.get("access_token").asText(), expiry(token));
    }

    private static JsonNode send(HttpRequest request) {
        String described = request.method() + " " + request.uri().getPath();
        HttpResponse<String> response;
        try {
            response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException | HttpConnectTimeoutException e) {
            throw new CliFailure(ExitCodes.UNAVAILABLE, request.uri().getScheme() + "://" + request.uri().getAuthority()
                    + " did not accept the connection (" + described + "); is the service running?");
        } catch (HttpTimeoutException e) {
            throw new CliFailure(ExitCodes.UNAVAILABLE, described + " had no answer in time");
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.UNAVAILABLE, described + " failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(ExitCodes.FAILED, "interrupted");
        }
        JsonNode body = parse(response.body());
        if (response.statusCode() / 100 != 2) {
            throw CliFailure.ofResponse(described, response.statusCode(), body);
        }
        return body;
    }

    private static JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return JSON.missingNode();
        }
        try {
            return JSON.readTree(body);
        } catch (JsonProcessingException e) {
            return JSON.getNodeFactory().textNode(body);
        }
    }
}
