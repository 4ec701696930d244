package io.tenantry.deploy;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;

/** The repository as the checks read it: the manifests, parsed, and each service's own configuration. */
final class Manifests {

    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path KUBERNETES = ROOT.resolve("deploy/kubernetes");
    static final List<String> SERVICES = List.of("metadata-service", "tenant-provisioner", "results-service");
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)(?::[^}]*)?}");
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Manifests() {
    }

    /** Every resource in the YAML files under {@code dir} (kustomization files aside), in file order. */
    static List<HasMetadata> resources(Path dir) {
        List<HasMetadata> resources = new ArrayList<>();
        for (Path file : yamlFiles(dir)) {
            if (file.getFileName().toString().equals("kustomization.yaml")) {
                continue;
            }
            for (String document : read(file).split("(?m)^---\\s*$")) {
                if (!document.isBlank() && !document.lines().allMatch(l -> l.isBlank() || l.startsWith("#"))) {
                    resources.add(SERIALIZATION.unmarshal(document, HasMetadata.class));
                }
            }
        }
        return resources;
    }

    static List<Path> yamlFiles(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static <T extends HasMetadata> List<T> ofKind(List<HasMetadata> resources, Class<T> type) {
        return resources.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T extends HasMetadata> T named(List<HasMetadata> resources, Class<T> type, String name) {
        return ofKind(resources, type).stream().filter(r -> r.getMetadata().getName().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type.getSimpleName() + " named " + name));
    }

    static List<GenericKubernetesResource> custom(List<HasMetadata> resources, String kind) {
        return ofKind(resources, GenericKubernetesResource.class).stream().filter(r -> r.getKind().equals(kind)).toList();
    }

    /** A service's application.properties, as the prod profile sees it: profile-less keys and {@code %prod.} keys. */
    static Properties prodProperties(String service) {
        Properties all = properties(read(ROOT.resolve(service + "/src/main/resources/application.properties")));
        Properties prod = new Properties();
        all.stringPropertyNames().stream().filter(k -> !k.startsWith("%")).forEach(k -> prod.setProperty(k, all.getProperty(k)));
        all.stringPropertyNames().stream().filter(k -> k.startsWith("%prod."))
                .forEach(k -> prod.setProperty(k.substring(6), all.getProperty(k)));
        return prod;
    }

    /** The properties a ConfigMap mounts as config/application.properties. */
    static Properties mountedProperties(ConfigMap configMap) {
        return properties(Optional.ofNullable(configMap.getData()).map(d -> d.get("application.properties")).orElse(""));
    }

    static Properties properties(String text) {
        Properties properties = new Properties();
        try {
            properties.load(new StringReader(text));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return properties;
    }

    /** The environment variables {@code ${...}} references in these properties name. */
    static Set<String> environmentReferences(Properties properties) {
        Set<String> names = new LinkedHashSet<>();
        for (String key : properties.stringPropertyNames()) {
            Matcher m = ENV_REFERENCE.matcher(properties.getProperty(key));
            while (m.find()) {
                names.add(m.group(1));
            }
        }
        return names;
    }

    /** How an environment variable spells a configuration property (the MicroProfile Config rule). */
    static String environmentName(String property) {
        return property.replaceAll("[^A-Za-z0-9]", "_").toUpperCase();
    }

    static JsonNode yaml(Path file) {
        try {
            return YAML.readTree(file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Map<String, String> labels(HasMetadata resource) {
        return Optional.ofNullable(resource.getMetadata().getLabels()).orElse(Map.of());
    }
}
