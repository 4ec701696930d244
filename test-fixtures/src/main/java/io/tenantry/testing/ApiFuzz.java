package io.tenantry.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;

/**
 * A property-based fuzzer that walks a running service's own OpenAPI document ({@code /q/openapi?format=json}) and
 * sends, for every operation, requests jqwik generates: valid ones built from the schemas and the values a test
 * knows (its organizations, their ids), and invalid ones (control characters, lone surrogates and bytes that are no
 * UTF-8 in path and query parameters, overlong and wrong-typed values, bodies with wrong types, missing fields,
 * duplicated or unknown keys, and no JSON at all), each with the token of one of the callers. Every answer must be
 * below 500, every 4xx an RFC 7807 problem with one of the documented types, no caller may read or change another
 * organization's data (a 2xx on a path naming another caller's organization), and the service must still be ready
 * afterwards. Each service's {@code ApiFuzzTest} points it at itself.
 */
public final class ApiFuzz {

    /** Who sends a request: a token scoped to {@code orgId} (null when the token names no organization). */
    public record Caller(String token, String orgId) {
    }

    /** What one run sent: the number of cases and how many got each status. */
    public record Outcome(int cases, Map<Integer, Integer> byStatus) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PROBLEM_TYPES = "https://tenantry.dev/problems/";
    private static final Set<Integer> HTTP_LAYER_REFUSALS = Set.of(413, 414, 431);
    private static final List<String> METHODS = List.of("get", "post", "put", "patch", "delete");

    /** Path and query values no id, name or cursor can be, as they go on the wire (percent-encoded). */
    private static final Arbitrary<String> BAD_RAW_TEXT = Arbitraries.oneOf(
            Arbitraries.of("%00", "a%00b", "%0A", "%0D%0A", "%1B%5B31m", "%7F", "%C2%85", "%FF", "%C0%AF",
                    "%ED%A0%80", "%20", "%20%20%09", "%25", "..", "%2E%2E%2F", "'%3B--", "%F0%9F%A7%AA"),
            Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMinLength(1).ofMaxLength(4)
                    .map(ApiFuzz::encode),
            Arbitraries.strings().alpha().ofMinLength(1025).ofMaxLength(4000),
            Arbitraries.strings().all().ofMinLength(1).ofMaxLength(12).map(ApiFuzz::encode),
            Arbitraries.longs().map(String::valueOf),
            Arbitraries.bigIntegers().between(java.math.BigInteger.TEN.pow(19), java.math.BigInteger.TEN.pow(30))
                    .map(String::valueOf),
            Arbitraries.of("-1", "0", "1.5", "1e400", "NaN", "true", "null", UUID.randomUUID().toString()));

    /** JSON values of any type, for a field that expects another. */
    private static final Arbitrary<JsonNode> ANY_JSON = Arbitraries.oneOf(
            Arbitraries.strings().all().ofMaxLength(20).map(JsonNodeFactory.instance::textNode),
            Arbitraries.strings().withCharRange('\u0000', '\u001f').ofMinLength(1).ofMaxLength(3)
                    .map(JsonNodeFactory.instance::textNode),
            Arbitraries.strings().alpha().ofMinLength(5000).ofMaxLength(20000).map(JsonNodeFactory.instance::textNode),
            Arbitraries.longs().map(JsonNodeFactory.instance::numberNode),
            Arbitraries.doubles().map(JsonNodeFactory.instance::numberNode),
            Arbitraries.of(JsonNodeFactory.instance.booleanNode(true), JsonNodeFactory.instance.nullNode(),
                    JsonNodeFactory.instance.arrayNode(), JsonNodeFactory.instance.objectNode()));

    private final String base;
    private final JsonNode document;
    private final List<Caller> callers;
    private final Map<String, List<String>> knownValues;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /**
     * @param base the service's root URL, such as {@code http://localhost:8081}
     * @param callers whose tokens the requests carry; requests without a token are sent too
     * @param knownValues valid values of path and query parameters by name ({@code orgId}: every caller's
     *                    organization), tried next to generated ones
     */
    public ApiFuzz(String base, List<Caller> callers, Map<String, List<String>> knownValues) {
        this.base = base;
        this.callers = callers;
        this.knownValues = knownValues;
        this.document = readJson(send("GET", "/q/openapi?format=json", null, null, null).body());
    }

    /** Sends {@code casesPerOperation} requests to every operation, then checks readiness; fails on any breach. */
    public Outcome run(int casesPerOperation) {
        List<String> breaches = new ArrayList<>();
        Map<Integer, Integer> byStatus = new LinkedHashMap<>();
        int cases = 0;
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.path("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (String method : METHODS) {
                JsonNode operation = path.getValue().get(method);
                if (operation == null) {
                    continue;
                }
                for (int i = 0; i < casesPerOperation; i++) {
                    Case sent = fuzz(method.toUpperCase(), path.getKey(), path.getValue(), operation);
                    cases++;
                    byStatus.merge(sent.status(), 1, Integer::sum);
                    sent.breach().ifPresent(breaches::add);
                }
            }
        }
        assertEquals(200, send("GET", "/q/health/ready", null, null, null).statusCode(),
                "the service is not ready after the fuzz run");
        assertEquals(List.of(), breaches.stream().limit(20).toList(),
                breaches.size() + " of " + cases + " cases broke a rule");
        return new Outcome(cases, byStatus);
    }

    private record Case(int status, Optional<String> breach) {
    }

    private Case fuzz(String method, String template, JsonNode pathItem, JsonNode operation) {
        Caller caller = Arbitraries.of(callers).injectNull(0.1).sample();
        boolean valid = Arbitraries.of(true, false).sample();
        List<JsonNode> parameters = new ArrayList<>();
        pathItem.path("parameters").forEach(parameters::add);
        operation.path("parameters").forEach(parameters::add);
        String path = template;
        String namedOrg = null;
        List<String> query = new ArrayList<>();
        for (JsonNode parameter : parameters) {
            String name = parameter.path("name").asText();
            boolean broken = !valid && Arbitraries.of(true, false).sample();
            String value = broken ? BAD_RAW_TEXT.sample() : encode(validValue(name, schemaOf(parameter)));
            switch (parameter.path("in").asText()) {
                case "path" -> {
                    path = path.replace("{" + name + "}", value);
                    if (name.equals("orgId") && !broken) {
                        namedOrg = decodeSimple(value);
                    }
                }
                case "query" -> {
                    if (broken || parameter.path("required").asBoolean() || Arbitraries.of(true, false).sample()) {
                        query.add(encode(name) + "=" + value);
                    }
                }
                default -> {
                }
            }
        }
        String target = query.isEmpty() ? path : path + "?" + String.join("&", query);
        JsonNode content = operation.path("requestBody").path("content");
        String contentType = null;
        String body = null;
        if (content.has("application/json")) {
            contentType = "application/json";
            body = jsonBody(schemaOf(content.get("application/json")), valid);
        } else if (content.has("application/x-www-form-urlencoded")) {
            contentType = "application/x-www-form-urlencoded";
            body = formBody(schemaOf(content.get("application/x-www-form-urlencoded")), valid);
        }
        HttpResponse<String> response = send(method, target, contentType, body, caller == null ? null : caller.token());
        String request = method + " " + target + (body == null ? "" : " " + abbreviate(body));
        return new Case(response.statusCode(), breach(request, response, caller, namedOrg));
    }

    private Optional<String> breach(String request, HttpResponse<String> response, Caller caller, String namedOrg) {
        int status = response.statusCode();
        if (status >= 500) {
            return Optional.of(status + " for " + request);
        }
        if (status >= 200 && status < 300 && caller != null && caller.orgId() != null && namedOrg != null
                && !namedOrg.equals(caller.orgId())) {
            return Optional.of(status + " for a caller of " + caller.orgId() + " on another organization: " + request);
        }
        if (HTTP_LAYER_REFUSALS.contains(status) && response.body().isEmpty()) {
            // A body, request line or header block over the HTTP server's limits is refused before any
            // application code runs, bare (docs/architecture.md, Errors).
            return Optional.empty();
        }
        if (status >= 400) {
            String type = response.headers().firstValue("Content-Type").orElse("");
            JsonNode problem = type.startsWith("application/problem+json") ? readJson(response.body()) : null;
            if (problem == null || problem.path("status").asInt() != status
                    || !problem.path("type").asText().startsWith(PROBLEM_TYPES)) {
                return Optional.of(status + " without a problem body (" + type + ") for " + request);
            }
        }
        return Optional.empty();
    }

    private String validValue(String name, JsonNode schema) {
        List<String> known = knownValues.getOrDefault(name, List.of());
        if (!known.isEmpty() && Arbitraries.of(true, true, false).sample()) {
            return Arbitraries.of(known).sample();
        }
        JsonNode value = valueOf(schema, 0);
        return value.isTextual() ? value.textValue() : value.toString();
    }

    private String jsonBody(JsonNode schema, boolean valid) {
        JsonNode value = valueOf(schema, 0);
        if (valid) {
            return value.toString();
        }
        return switch (Arbitraries.integers().between(0, 6).sample()) {
            case 0 -> ANY_JSON.sample().toString();
            case 1 -> Arbitraries.of("{", "", "[1,", "{\"a\":}", "nul", "{\"a\":1}}", "\u0000").sample();
            case 2 -> value instanceof ObjectNode object && object.size() > 0
                    ? duplicateFirstKey(object) : "{\"k\": 1, \"k\": 2}";
            default -> mutate(value).toString();
        };
    }

    private String formBody(JsonNode schema, boolean valid) {
        JsonNode value = valueOf(schema, 0);
        List<String> fields = new ArrayList<>();
        value.fields().forEachRemaining(field -> fields.add(encode(field.getKey()) + "=" + (valid
                || Arbitraries.of(true, false).sample() ? encode(field.getValue().asText()) : BAD_RAW_TEXT.sample())));
        return String.join("&", fields);
    }

    /** The value with one field dropped, retyped, or added, somewhere in it. */
    private JsonNode mutate(JsonNode value) {
        if (!(value instanceof ObjectNode object) || object.isEmpty()) {
            return ANY_JSON.sample();
        }
        ObjectNode copy = object.deepCopy();
        List<String> names = new ArrayList<>();
        copy.fieldNames().forEachRemaining(names::add);
        String name = Arbitraries.of(names).sample();
        switch (Arbitraries.integers().between(0, 3).sample()) {
            case 0 -> copy.remove(name);
            case 1 -> copy.set("unexpected" + Arbitraries.strings().alpha().ofLength(3).sample(), ANY_JSON.sample());
            case 2 -> copy.set(name, mutate(copy.get(name)));
            default -> copy.set(name, ANY_JSON.sample());
        }
        return copy;
    }

    private static String duplicateFirstKey(ObjectNode object) {
        Map.Entry<String, JsonNode> first = object.fields().next();
        String text = object.toString();
        return "{" + JSON.valueToTree(first.getKey()) + ": " + ANY_JSON.sample() + ", " + text.substring(1);
    }

    /** A value the schema allows, as far as this fuzzer understands schemas: types, formats, enums and bounds. */
    private JsonNode valueOf(JsonNode schema, int depth) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        JsonNode resolved = resolve(schema);
        if (resolved.has("enum") && resolved.get("enum").size() > 0) {
            List<JsonNode> options = new ArrayList<>();
            resolved.get("enum").forEach(options::add);
            return Arbitraries.of(options).sample();
        }
        if (resolved.has("examples") && resolved.get("examples").isArray() && resolved.get("examples").size() > 0
                && Arbitraries.of(true, false).sample()) {
            return resolved.get("examples").get(0);
        }
        String type = typeOf(resolved);
        return switch (type) {
            case "integer" -> nodes.numberNode(Arbitraries.longs()
                    .between(resolved.path("minimum").asLong(0), resolved.path("maximum").asLong(1000)).sample());
            case "number" -> nodes.numberNode(Arbitraries.doubles().between(-100, 100).sample());
            case "boolean" -> nodes.booleanNode(Arbitraries.of(true, false).sample());
            case "array" -> {
                var array = nodes.arrayNode();
                int items = depth > 3 ? 0 : Arbitraries.integers().between(0, 3).sample();
                for (int i = 0; i < items; i++) {
                    array.add(valueOf(resolved.path("items"), depth + 1));
                }
                yield array;
            }
            case "object" -> {
                ObjectNode object = nodes.objectNode();
                if (depth > 3) {
                    yield object;
                }
                List<String> required = new ArrayList<>();
                resolved.path("required").forEach(r -> required.add(r.asText()));
                resolved.path("properties").fields().forEachRemaining(property -> {
                    if (required.contains(property.getKey()) || Arbitraries.of(true, false).sample()) {
                        object.set(property.getKey(), valueOf(property.getValue(), depth + 1));
                    }
                });
                yield object;
            }
            default -> nodes.textNode(textFor(resolved));
        };
    }

    private String textFor(JsonNode schema) {
        String format = schema.path("format").asText();
        if (format.equals("uuid")) {
            return UUID.randomUUID().toString();
        }
        if (format.equals("date-time")) {
            return "2026-01-01T00:00:00Z";
        }
        if (format.equals("email")) {
            return Arbitraries.strings().alpha().ofLength(8).sample() + "@example.com";
        }
        int max = schema.path("maxLength").asInt(16);
        int min = Math.min(schema.path("minLength").asInt(1), max);
        return Arbitraries.strings().withCharRange('a', 'z').numeric().ofMinLength(Math.max(1, min))
                .ofMaxLength(Math.max(1, Math.min(max, 16))).sample();
    }

    private static String typeOf(JsonNode schema) {
        JsonNode type = schema.path("type");
        if (type.isArray() && type.size() > 0) {
            return type.get(0).asText();
        }
        if (type.isTextual()) {
            return type.asText();
        }
        return schema.has("properties") ? "object" : schema.has("items") ? "array" : "string";
    }

    private JsonNode resolve(JsonNode schema) {
        JsonNode at = schema;
        for (int hops = 0; at.has("$ref") && hops < 10; hops++) {
            at = document.at(at.get("$ref").asText().substring(1));
        }
        if (at.has("allOf") && at.get("allOf").size() > 0) {
            return resolve(at.get("allOf").get(0));
        }
        if (at.has("oneOf") && at.get("oneOf").size() > 0) {
            return resolve(at.get("oneOf").get(0));
        }
        return at;
    }

    private static JsonNode schemaOf(JsonNode parameterOrMedia) {
        return parameterOrMedia.path("schema");
    }

    private HttpResponse<String> send(String method, String target, String contentType, String body, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + target)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + target + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode readJson(String text) {
        try {
            return JSON.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    /** Percent-encodes every byte but the unreserved ones, so the text reaches the service as it is. */
    static String encode(String text) {
        StringBuilder encoded = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xFF);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                encoded.append(c);
            } else {
                encoded.append('%').append(String.format("%02X", b & 0xFF));
            }
        }
        return encoded.toString();
    }

    private static String decodeSimple(String encoded) {
        return java.net.URLDecoder.decode(encoded.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    private static String abbreviate(String text) {
        return text.length() > 200 ? text.substring(0, 200) + "..." : text;
    }

    /** The counts by status, for the test's log line. */
    public static String describe(Outcome outcome) {
        return outcome.cases() + " cases: " + outcome.byStatus().entrySet().stream()
                .map(e -> e.getKey() + "×" + e.getValue()).collect(Collectors.joining(", "));
    }
}
