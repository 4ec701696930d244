package io.tenantry.deploy;

import static io.tenantry.deploy.Manifests.ROOT;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A service's settings as its code declares them, rendered as the Markdown tables of docs/configuration.md: the
 * {@code @ConfigMapping} interface (names, defaults, and the Javadoc as the meaning), the Quarkus settings its
 * application.properties fixes, and what the prod profile reads from the environment.
 */
final class ConfigurationReference {

    private static final Pattern MAPPING = Pattern.compile("@ConfigMapping\\(prefix = \"([^\"]+)\"\\)");
    private static final Pattern INTERFACE = Pattern.compile("^\\s*(?:public\\s+)?interface\\s+(\\w+)\\s*\\{");
    private static final Pattern METHOD = Pattern.compile("^\\s*([\\w<>, ]+?)\\s+(\\w+)\\(\\);");
    private static final Pattern ENV_WITH_DEFAULT = Pattern.compile("^\\$\\{([A-Z][A-Z0-9_]*):([^}]*)}$");
    private static final Pattern DEFAULT = Pattern.compile("@WithDefault\\(\"([^\"]*)\"\\)");

    private ConfigurationReference() {
    }

    /** One setting: its property name, its default ("–" for none), and what it means. */
    record Setting(String property, String defaultValue, String meaning) {
    }

    static String render(String service, Path mappingSource) {
        StringBuilder md = new StringBuilder();
        Properties prod = Manifests.prodProperties(service);
        md.append("| setting | default | meaning |\n|---|---|---|\n");
        for (Setting s : mapping(mappingSource)) {
            md.append("| `").append(s.property()).append("` | ").append(effectiveDefault(s, prod)).append(" | ")
                    .append(s.meaning()).append(" |\n");
        }
        Map<String, String> fromEnvironment = new TreeMap<>();
        Map<String, Matcher> fromEnvironmentWithDefault = new TreeMap<>();
        Map<String, String> fixed = new TreeMap<>();
        for (String key : prod.stringPropertyNames()) {
            String value = prod.getProperty(key);
            if (key.startsWith("tenantry.")) {
                continue;
            }
            Matcher env = Pattern.compile("^\\$\\{([A-Z][A-Z0-9_]*)}$").matcher(value);
            Matcher envWithDefault = ENV_WITH_DEFAULT.matcher(value);
            if (env.matches()) {
                fromEnvironment.put(key, env.group(1));
            } else if (envWithDefault.matches()) {
                fromEnvironmentWithDefault.put(key, envWithDefault);
            } else {
                fixed.put(key, value);
            }
        }
        md.append("\nIn the prod profile, from the environment (no default: a missing one stops the start):\n\n");
        md.append("| environment variable | setting |\n|---|---|\n");
        fromEnvironment.forEach((key, env) -> md.append("| `").append(env).append("` | `").append(key).append("` |\n"));
        if (!fromEnvironmentWithDefault.isEmpty()) {
            md.append("\nIn the prod profile, from the environment when set, else the default:\n\n");
            md.append("| environment variable | setting | default |\n|---|---|---|\n");
            fromEnvironmentWithDefault.forEach((key, env) -> md.append("| `").append(env.group(1)).append("` | `")
                    .append(key).append("` | ").append(code(env.group(2))).append(" |\n"));
        }
        md.append("\nQuarkus settings the service fixes in its application.properties (any can be overridden the same way):\n\n");
        md.append("| setting | value |\n|---|---|\n");
        fixed.forEach((key, value) -> md.append("| `").append(key).append("` | ").append(code(value)).append(" |\n"));
        return md.toString();
    }

    /** What applies when nothing is set: the prod profile's value or variable, else the declared default. */
    private static String effectiveDefault(Setting setting, Properties prod) {
        String value = prod.getProperty(setting.property());
        if (value == null) {
            return code(setting.defaultValue());
        }
        Matcher env = Pattern.compile("^\\$\\{([A-Z][A-Z0-9_]*)}$").matcher(value);
        if (env.matches()) {
            return "from `" + env.group(1) + "` (required)";
        }
        Matcher envWithDefault = ENV_WITH_DEFAULT.matcher(value);
        return envWithDefault.matches() ? code(envWithDefault.group(2)) + " (`" + envWithDefault.group(1) + "`)" : code(value);
    }

    /** The settings a {@code @ConfigMapping} interface declares, in source order. */
    static List<Setting> mapping(Path source) {
        List<String> lines = Manifests.read(source).lines().toList();
        String prefix = null;
        Map<String, Integer> interfaces = new TreeMap<>();
        for (int i = 0; i < lines.size(); i++) {
            Matcher m = MAPPING.matcher(lines.get(i));
            if (m.find()) {
                prefix = m.group(1);
            }
            Matcher declared = INTERFACE.matcher(lines.get(i));
            if (declared.find()) {
                interfaces.put(declared.group(1), i);
            }
        }
        if (prefix == null) {
            throw new IllegalStateException(source + " has no @ConfigMapping");
        }
        String top = source.getFileName().toString().replace(".java", "");
        List<Setting> settings = new ArrayList<>();
        collect(lines, interfaces, interfaces.get(top), prefix + ".", settings);
        return settings;
    }

    private static void collect(List<String> lines, Map<String, Integer> interfaces, int start, String prefix,
                                List<Setting> into) {
        int depth = 0;
        StringBuilder javadoc = new StringBuilder();
        String defaultValue = null;
        for (int i = start; i < lines.size(); i++) {
            String line = lines.get(i);
            String trimmed = line.trim();
            if (i > start && depth == 1 && trimmed.startsWith("/**")) {
                javadoc.setLength(0);
            }
            if (depth == 1 && (trimmed.startsWith("/**") || trimmed.startsWith("*")) && !trimmed.equals("*/")) {
                javadoc.append(' ').append(trimmed.replaceAll("^/\\*\\*|^\\*/?|\\*/$", "").trim());
            }
            Matcher def = DEFAULT.matcher(line);
            if (depth == 1 && def.find()) {
                defaultValue = def.group(1);
            }
            Matcher method = METHOD.matcher(line);
            if (depth == 1 && method.find() && !trimmed.startsWith("*")) {
                String type = method.group(1).trim();
                String name = kebab(method.group(2));
                String nested = type.replaceAll("^Map<String,\\s*(\\w+)>$", "$1");
                if (interfaces.containsKey(nested)) {
                    String inner = prefix + name + (type.startsWith("Map<") ? ".<name>." : ".");
                    collect(lines, interfaces, interfaces.get(nested), inner, into);
                } else {
                    into.add(new Setting(prefix + name, defaultValue == null ? "–" : defaultValue,
                            javadoc.toString().trim().replaceAll("\\s+", " ").replaceAll("\\{@code ([^}]*)}", "`$1`")));
                }
                javadoc.setLength(0);
                defaultValue = null;
            }
            depth += count(line, '{') - count(line, '}');
            if (depth <= 0 && i > start) {
                return;
            }
        }
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase();
    }

    private static String code(String value) {
        return value.equals("–") ? value : "`" + value.replace("|", "\\|") + "`";
    }

    private static int count(String line, char c) {
        return (int) line.chars().filter(x -> x == c).count();
    }

    static Path mappingSource(String service) {
        return switch (service) {
            case "metadata-service" -> ROOT.resolve("metadata-service/src/main/java/io/tenantry/metadata/security/AuthConfig.java");
            case "tenant-provisioner" -> ROOT.resolve("tenant-provisioner/src/main/java/io/tenantry/provisioner/ProvisionerConfig.java");
            case "results-service" -> ROOT.resolve("results-service/src/main/java/io/tenantry/results/config/ResultsConfig.java");
            default -> throw new IllegalArgumentException(service);
        };
    }
}
