package io.tenantry.deploy;

import static io.tenantry.deploy.Manifests.ROOT;
import static io.tenantry.deploy.Manifests.SERVICES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md is generated from the code: each service's block between its markers must be what
 * {@link ConfigurationReference} renders from the service's config mapping and application.properties. Run with
 * {@code -Dtenantry.write-docs=true} to rewrite the blocks after changing a setting.
 */
class ConfigurationDocTest {

    private static final Path DOC = ROOT.resolve("docs/configuration.md");

    @Test
    void everySettingOfEveryServiceIsDocumentedAsTheCodeDeclaresIt() throws IOException {
        String doc = Files.readString(DOC);
        String expected = doc;
        for (String service : SERVICES) {
            String begin = "<!-- generated: " + service + " -->\n";
            String end = "<!-- end: " + service + " -->";
            int from = expected.indexOf(begin);
            int to = expected.indexOf(end);
            assertTrue(from >= 0 && to > from, "docs/configuration.md has no block for " + service);
            expected = expected.substring(0, from + begin.length())
                    + ConfigurationReference.render(service, ConfigurationReference.mappingSource(service))
                    + expected.substring(to);
        }
        if (Boolean.getBoolean("tenantry.write-docs")) {
            Files.writeString(DOC, expected);
        }
        assertEquals(expected, doc, "docs/configuration.md is out of date: ./mvnw -pl deploy verify -Dtenantry.write-docs=true");
    }

    @Test
    void theRunCommandsEnvironmentIsDocumented() throws IOException {
        String doc = Files.readString(DOC);
        Pattern getenv = Pattern.compile("System\\.getenv\\(\"([A-Z_]+)\"\\)");
        for (Path dir : List.of(ROOT.resolve("dev-launcher/src/main"), ROOT.resolve("local-servers/src/main"))) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
                    Matcher m = getenv.matcher(Files.readString(file));
                    while (m.find()) {
                        assertTrue(doc.contains("`" + m.group(1) + "`"), m.group(1) + " (read by " + file.getFileName()
                                + ") is not in docs/configuration.md");
                    }
                }
            }
        }
    }
}
