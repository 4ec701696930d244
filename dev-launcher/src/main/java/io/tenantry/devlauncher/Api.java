package io.tenantry.devlauncher;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The platform's HTTP APIs as the demo and the benchmarks call them: JSON in and out, a bearer token, problems as
 * exceptions.
 */
public final class Api {

    static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final int portOffset;

    public Api() {
        this(0);
    }

    /** The APIs of a {@link LocalPlatform} started with this port offset. */
    public Api(int portOffset) {
        this.portOffset = portOffset;
    }

    /** An answer the demo did not expect, with the problem the service gave. */
    static final class Refused extends IllegalStateException {
        final int status;

        Refused(String request, int status, String body) {
            super(request + " answered " + status + ": " + body);
            this.status = status;
        }
    }

    /** A token from metadata-service for the form's grant (password or client_credentials). */
    public String token(Map<String, String> form) throws IOException, InterruptedException {
        String body = form.entrySet().stream()
                .map(e -> e.getKey() + "=" + URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8))
                .collect(Collectors.joining("&"));
        HttpRequest request = HttpRequest.newBuilder(atMetadata("/api/v1/auth/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return answer(request, 200).get("access_token").asText();
    }

    JsonNode get(URI uri, String token) throws IOException, InterruptedException {
        return get(uri, token, 200);
    }

    /** A GET that expects one of {@code statuses}, for asking whether something exists (200 or 404). */
    JsonNode get(URI uri, String token, int... statuses) throws IOException, InterruptedException {
        return answer(request(uri, token).GET().build(), statuses);
    }

    /** Sends a JSON body and expects one of {@code statuses}; a 204 or empty body reads as a missing node. */
    JsonNode send(String method, URI uri, String token, Object body, int... statuses)
            throws IOException, InterruptedException {
        HttpRequest request = request(uri, token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build();
        return answer(request, statuses);
    }

    public static URI metadata(String path) {
        return new Api().atMetadata(path);
    }

    public static URI results(String path) {
        return new Api().atResults(path);
    }

    /** {@code path} on this platform's metadata-service. */
    URI atMetadata(String path) {
        return URI.create(LocalPlatform.url(LocalPlatform.METADATA_PORT + portOffset) + path);
    }

    URI atResults(String path) {
        return URI.create(LocalPlatform.url(LocalPlatform.RESULTS_PORT + portOffset) + path);
    }

    private HttpRequest.Builder request(URI uri, String token) {
        return HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30));
    }

    private JsonNode answer(HttpRequest request, int... statuses) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        for (int status : statuses) {
            if (response.statusCode() == status) {
                return response.body().isBlank() ? JSON.missingNode() : JSON.readTree(response.body());
            }
        }
        throw new Refused(request.method() + " " + request.uri().getPath(), response.statusCode(), response.body());
    }
}
