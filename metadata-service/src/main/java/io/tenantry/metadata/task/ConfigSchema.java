package io.tenantry.metadata.task;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.SchemaException;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.NodePath;

import io.tenantry.common.problem.ApiProblem;

/**
 * Task configurations are JSON Schema documents (draft 2020-12 unless {@code $schema} names another draft),
 * checked by networknt's json-schema-validator. A schema reaches only into itself: the validator fetches nothing
 * from the network, so a {@code $ref} to a URL makes the schema unusable rather than a request to that URL.
 */
public final class ConfigSchema {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private ConfigSchema() {
    }

    /** Refuses (422) a schema that does not describe an object, breaks its meta-schema or cannot be compiled. */
    public static void checkIsSchema(Map<String, Object> schema) {
        if (!"object".equals(schema.get("type"))) {
            throw ApiProblem.unprocessable("configSchema must be a JSON Schema with \"type\": \"object\"");
        }
        JsonNode node = JSON.valueToTree(schema);
        String metaSchema = SpecificationVersion.fromSchemaNode(node).orElse(SpecificationVersion.DRAFT_2020_12)
                .getDialectId();
        List<String> problems = REGISTRY.getSchema(SchemaLocation.of(metaSchema)).validate(node).stream()
                .map(error -> describe("configSchema", error)).toList();
        if (!problems.isEmpty()) {
            throw ApiProblem.unprocessable("configSchema is not a valid JSON Schema: " + String.join(", ", problems));
        }
        try {
            REGISTRY.getSchema(node).initializeValidators();
        } catch (SchemaException e) {
            throw ApiProblem.unprocessable("configSchema cannot be used: " + reason(e));
        }
    }

    /** Every way the configuration breaks the schema, empty when it conforms. */
    public static List<String> violations(Map<String, Object> schema, Map<String, Object> config) {
        try {
            return REGISTRY.getSchema(JSON.valueToTree(schema)).validate(JSON.valueToTree(config)).stream()
                    .map(error -> describe("", error)).toList();
        } catch (SchemaException e) {
            return List.of("the task's configSchema cannot be used: " + reason(e));
        }
    }

    /** "missing 'box.x'", "unknown 'colour'", "'topN' must be integer", or the validator's own words. */
    private static String describe(String root, Error error) {
        String at = path(root, error.getInstanceLocation());
        return switch (error.getKeyword()) {
            case "required" -> "missing '" + child(at, error.getProperty()) + "'";
            case "additionalProperties" -> "unknown '" + child(at, error.getProperty()) + "'";
            case "type" -> subject(at) + " must be " + error.getArguments()[1];
            default -> subject(at) + " " + error.getMessage();
        };
    }

    private static String path(String root, NodePath location) {
        StringBuilder path = new StringBuilder(root);
        for (int i = 0; i < location.getNameCount(); i++) {
            Object element = location.getElement(i);
            if (element instanceof Integer index) {
                path.append('[').append(index).append(']');
            } else {
                path.append(path.isEmpty() ? "" : ".").append(element);
            }
        }
        return path.toString();
    }

    private static String child(String at, String property) {
        return at.isEmpty() ? property : at + "." + property;
    }

    private static String subject(String at) {
        return at.isEmpty() ? "the configuration" : "'" + at + "'";
    }

    /** The first line of the innermost cause: a regex error, an unresolvable $ref, an unknown dialect. */
    private static String reason(SchemaException e) {
        Throwable cause = e;
        while (cause.getCause() != null) {
            cause = cause.getCause();
        }
        String message = String.valueOf(cause.getMessage()).lines().findFirst().orElse("");
        return cause == e ? message : cause.getClass().getSimpleName() + ": " + message;
    }
}
