package io.tenantry.metadata.task;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.tenantry.common.problem.ApiProblem;

/**
 * The subset of JSON Schema Tenantry enforces on step configurations: an object whose {@code required} keys are
 * present, which has no keys outside {@code properties} when properties are listed, and whose values have the
 * listed primitive {@code type} (string, number, integer, boolean, array, object).
 */
public final class ConfigSchema {

    private static final Set<String> TYPES = Set.of("string", "number", "integer", "boolean", "array", "object");

    private ConfigSchema() {
    }

    /** Refuses a schema this subset cannot enforce. */
    public static void checkIsSchema(Map<String, Object> schema) {
        if (!"object".equals(schema.get("type"))) {
            throw ApiProblem.unprocessable("configSchema must be a JSON Schema with \"type\": \"object\"");
        }
        Object properties = schema.get("properties");
        if (properties != null && !(properties instanceof Map)) {
            throw ApiProblem.unprocessable("configSchema.properties must be an object");
        }
        if (properties instanceof Map<?, ?> props) {
            for (Map.Entry<?, ?> e : props.entrySet()) {
                Object type = e.getValue() instanceof Map<?, ?> p ? p.get("type") : null;
                if (type != null && !TYPES.contains(type)) {
                    throw ApiProblem.unprocessable("configSchema.properties." + e.getKey() + ".type must be one of " + TYPES);
                }
            }
        }
        Object required = schema.get("required");
        if (required != null && !(required instanceof List<?> list && list.stream().allMatch(String.class::isInstance))) {
            throw ApiProblem.unprocessable("configSchema.required must be an array of property names");
        }
    }

    /** Every way the configuration breaks the schema, empty when it conforms. */
    public static List<String> violations(Map<String, Object> schema, Map<String, Object> config) {
        List<String> problems = new ArrayList<>();
        if (schema.get("required") instanceof List<?> required) {
            for (Object key : required) {
                if (!config.containsKey((String) key)) {
                    problems.add("missing '" + key + "'");
                }
            }
        }
        if (schema.get("properties") instanceof Map<?, ?> properties) {
            for (Map.Entry<String, Object> entry : config.entrySet()) {
                Object property = properties.get(entry.getKey());
                if (property == null) {
                    problems.add("unknown '" + entry.getKey() + "'");
                } else if (property instanceof Map<?, ?> p && p.get("type") instanceof String type
                        && !hasType(entry.getValue(), type)) {
                    problems.add("'" + entry.getKey() + "' must be " + type);
                }
            }
        }
        return problems;
    }

    private static boolean hasType(Object value, String type) {
        return switch (type) {
            case "string" -> value instanceof String;
            case "number" -> value instanceof Number;
            case "integer" -> value instanceof Integer || value instanceof Long
                    || value instanceof java.math.BigInteger;
            case "boolean" -> value instanceof Boolean;
            case "array" -> value instanceof List;
            case "object" -> value instanceof Map;
            default -> true;
        };
    }
}
