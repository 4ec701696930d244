package io.tenantry.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

/**
 * The OpenAPI document a service serves must be the one kept in docs/api/, compared as data, not as text. Run the
 * service's tests with {@code -Dtenantry.write-docs=true} to write the served document there after an API change.
 */
public final class ApiDocument {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private ApiDocument() {
    }

    public static void assertDocumented(String service, String servedYaml) {
        Path doc = Path.of("..", "docs", "api", service + ".yaml");
        try {
            if (Boolean.getBoolean("tenantry.write-docs")) {
                Files.createDirectories(doc.getParent());
                Files.writeString(doc, servedYaml);
            }
            JsonNode served = YAML.readTree(servedYaml);
            JsonNode documented = Files.exists(doc) ? YAML.readTree(doc.toFile()) : null;
            assertEquals(documented, served, "docs/api/" + service + ".yaml differs from what " + service
                    + " serves; after an API change run its tests with -Dtenantry.write-docs=true");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
