package io.tenantry.common.problem;

import java.io.IOException;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.KeyDeserializer;
import com.fasterxml.jackson.databind.deser.std.JsonNodeDeserializer;
import com.fasterxml.jackson.databind.deser.std.StringDeserializer;
import com.fasterxml.jackson.databind.deser.std.UntypedObjectDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.NullNode;

/**
 * Holds every string and key of a JSON body to {@link TextRule#BODY} as it is read, whatever it is read into: a
 * String field, a Map key, or the free-form JSON kept as {@code Map<String, Object>} or {@link JsonNode}, which
 * Jackson fills without asking a String deserializer and which PostgreSQL's jsonb refuses when it holds {@code \u0000}.
 */
public class SafeTextModule extends SimpleModule {

    public SafeTextModule() {
        super("SafeText");
        addDeserializer(String.class, new SafeStrings());
        addKeyDeserializer(String.class, new SafeKeys());
        addDeserializer(Object.class, new SafeUntyped());
        addDeserializer(JsonNode.class, new SafeTrees());
    }

    static void check(JsonParser parser, String text) throws UnsafeTextException {
        String refusal = TextRule.BODY.refusal(text);
        if (refusal != null) {
            throw new UnsafeTextException(parser, refusal);
        }
    }

    private static final class SafeStrings extends StringDeserializer {

        @Override
        public String deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            String text = super.deserialize(p, ctxt);
            if (text != null) {
                check(p, text);
            }
            return text;
        }
    }

    private static final class SafeKeys extends KeyDeserializer {

        @Override
        public Object deserializeKey(String key, DeserializationContext ctxt) throws IOException {
            check(ctxt.getParser(), key);
            return key;
        }
    }

    private static final class SafeUntyped extends JsonDeserializer<Object> {

        private final UntypedObjectDeserializer plain = new UntypedObjectDeserializer(null, null);

        @Override
        public Object deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            Object value = plain.deserialize(p, ctxt);
            checkValue(p, value);
            return value;
        }

        private static void checkValue(JsonParser p, Object value) throws UnsafeTextException {
            if (value instanceof String text) {
                check(p, text);
            } else if (value instanceof Map<?, ?> map) {
                for (Map.Entry<?, ?> entry : map.entrySet()) {
                    String key = String.valueOf(entry.getKey());
                    check(p, key);
                    inside(map, key, () -> checkValue(p, entry.getValue()));
                }
            } else if (value instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    Object item = list.get(i);
                    inside(list, i, () -> checkValue(p, item));
                }
            }
        }
    }

    private static final class SafeTrees extends JsonDeserializer<JsonNode> {

        @Override
        public JsonNode deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
            JsonNode tree = JsonNodeDeserializer.getDeserializer(JsonNode.class).deserialize(p, ctxt);
            checkTree(p, tree);
            return tree;
        }

        @Override
        public JsonNode getNullValue(DeserializationContext ctxt) {
            return NullNode.getInstance();
        }

        @Override
        public Object getAbsentValue(DeserializationContext ctxt) {
            return null;
        }

        private static void checkTree(JsonParser p, JsonNode node) throws UnsafeTextException {
            if (node.isTextual()) {
                check(p, node.textValue());
            } else if (node.isObject()) {
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    check(p, field.getKey());
                    inside(node, field.getKey(), () -> checkTree(p, field.getValue()));
                }
            } else if (node.isArray()) {
                for (int i = 0; i < node.size(); i++) {
                    JsonNode item = node.get(i);
                    inside(node, i, () -> checkTree(p, item));
                }
            }
        }
    }

    private interface Check {
        void run() throws UnsafeTextException;
    }

    /** Runs a check of what {@code container} holds at {@code key}, adding that step to the path of a refusal. */
    private static void inside(Object container, Object key, Check check) throws UnsafeTextException {
        try {
            check.run();
        } catch (UnsafeTextException e) {
            e.prependPath(key instanceof Integer index ? new JsonMappingException.Reference(container, index)
                    : new JsonMappingException.Reference(container, (String) key));
            throw e;
        }
    }
}
