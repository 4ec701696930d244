package io.tenantry.deploy;

import static io.tenantry.deploy.Manifests.ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import org.junit.jupiter.api.Test;

/**
 * deploy/monitoring holds up: the PrometheusRule's rules pass {@code promtool check rules}, every alert fires on a
 * synthetic series in trouble and stays quiet on a healthy one ({@code promtool test rules}), carries a severity,
 * a summary, a description and a runbook link to a section of docs/operations.md; every dashboard query parses;
 * and every metric the rules and dashboards read is one the services export (deploy/monitoring/metrics, written
 * from a scrape by each service's ExportedMetricsTest) or one of the external exporters'.
 */
class MonitoringTest {

    private static final Path MONITORING = ROOT.resolve("deploy/monitoring");
    private static final Path WORK = Path.of("target/monitoring").toAbsolutePath();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> SEVERITIES = Set.of("critical", "warning", "info");
    /** Metrics of exporters that are not ours: cert-manager, CloudNativePG, kube-state-metrics, Prometheus itself. */
    private static final List<String> EXTERNAL_PREFIXES = List.of("certmanager_", "cnpg_", "kube_");
    private static final Set<String> EXTERNAL_NAMES = Set.of("up");
    private static final Pattern HEADING = Pattern.compile("^#{1,6}\\s+(.*)$", Pattern.MULTILINE);

    @Test
    void theRulesPassPromtoolsCheck() {
        Path rules = writeRules();
        Promtool.Result check = Promtool.run(WORK, "check", "rules", rules.getFileName().toString());
        assertEquals(0, check.exitCode(), check.output());
    }

    @Test
    void everyAlertFiresOnTroubleAndStaysQuietWhenHealthyInItsUnitTests() throws IOException {
        writeRules();
        List<String> testFiles = new ArrayList<>();
        Map<String, Set<Boolean>> outcomesByAlert = new LinkedHashMap<>();
        alerts().forEach(a -> outcomesByAlert.put(a.path("alert").asText(), new HashSet<>()));
        try (Stream<Path> files = Files.list(MONITORING.resolve("tests"))) {
            for (Path file : files.filter(f -> f.toString().endsWith(".test.yaml")).sorted().toList()) {
                Files.copy(file, WORK.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
                testFiles.add(file.getFileName().toString());
                for (JsonNode test : Manifests.yaml(file).path("tests")) {
                    for (JsonNode expectation : test.path("alert_rule_test")) {
                        String alert = expectation.path("alertname").asText();
                        assertTrue(outcomesByAlert.containsKey(alert), file + " tests an alert the rules lack: " + alert);
                        outcomesByAlert.get(alert).add(!expectation.path("exp_alerts").isEmpty());
                    }
                }
            }
        }
        outcomesByAlert.forEach((alert, outcomes) -> assertEquals(Set.of(true, false), outcomes,
                alert + " needs a unit test where it fires and one where it stays quiet"));

        List<String> args = new ArrayList<>(List.of("test", "rules"));
        args.addAll(testFiles);
        Promtool.Result test = Promtool.run(WORK, args.toArray(String[]::new));
        assertEquals(0, test.exitCode(), test.output());
    }

    @Test
    void everyAlertSaysHowBadWhatAndWhereItsRunbookIs() {
        Set<String> anchors = anchors(Manifests.read(ROOT.resolve("docs/operations.md")));
        Set<String> names = new HashSet<>();
        for (JsonNode alert : alerts()) {
            String name = alert.path("alert").asText();
            assertTrue(names.add(name), "two alerts named " + name);
            assertTrue(SEVERITIES.contains(alert.path("labels").path("severity").asText()), name + " severity");
            assertFalse(alert.path("annotations").path("summary").asText().isBlank(), name + " summary");
            assertFalse(alert.path("annotations").path("description").asText().isBlank(), name + " description");
            String runbook = alert.path("annotations").path("runbook_url").asText();
            assertTrue(runbook.startsWith("docs/operations.md#"), name + " runbook_url: " + runbook);
            String anchor = runbook.substring(runbook.indexOf('#') + 1);
            assertEquals(name.toLowerCase(), anchor, name + " links to its own section");
            assertTrue(anchors.contains(anchor), name + ": docs/operations.md has no section #" + anchor);
        }
    }

    @Test
    void everyDashboardQueryParses() throws IOException {
        ArrayNode rules = JSON.createArrayNode();
        StringBuilder index = new StringBuilder();
        dashboardQueries().forEach((where, expr) -> {
            index.append("\nrule ").append(rules.size() + 1).append(" (dashboard:query:").append(rules.size()).append("): ")
                    .append(where);
            rules.addObject().put("record", "dashboard:query:" + rules.size()).put("expr", PromQl.substituteGrafana(expr));
        });
        assertTrue(rules.size() > 50, "the dashboards' queries were found: " + rules.size());
        ObjectNode file = JSON.createObjectNode();
        file.putArray("groups").addObject().put("name", "dashboards").set("rules", rules);
        Files.createDirectories(WORK);
        JSON.writerWithDefaultPrettyPrinter().writeValue(WORK.resolve("dashboard-queries.yaml").toFile(), file);
        Promtool.Result check = Promtool.run(WORK, "check", "rules", "dashboard-queries.yaml");
        assertEquals(0, check.exitCode(), check.output() + "\nwhere the rules come from:" + index);
    }

    @Test
    void dashboardsAreImportableAndTakeTheirDatasourceFromAVariable() throws IOException {
        Set<String> uids = new HashSet<>();
        for (Path file : dashboards()) {
            JsonNode dashboard = JSON.readTree(file.toFile());
            assertTrue(uids.add(dashboard.path("uid").asText()), file + ": uid used twice");
            assertTrue(dashboard.path("schemaVersion").asInt() >= 36, file + ": schemaVersion");
            assertTrue(dashboard.path("templating").path("list").findValuesAsText("name").contains("DS_PROMETHEUS"),
                    file + " has the DS_PROMETHEUS variable");
            for (JsonNode panel : panels(dashboard)) {
                if (panel.has("targets")) {
                    assertEquals("${DS_PROMETHEUS}", panel.path("datasource").path("uid").asText(),
                            file + " panel " + panel.path("title"));
                    panel.path("targets").forEach(t -> assertEquals("${DS_PROMETHEUS}",
                            t.path("datasource").path("uid").asText(), file + " panel " + panel.path("title")));
                }
            }
        }
    }

    @Test
    void theKustomizationShipsTheRuleAndEveryDashboard() {
        JsonNode kustomization = Manifests.yaml(MONITORING.resolve("kustomization.yaml"));
        Set<String> shipped = new TreeSet<>();
        kustomization.path("resources").forEach(r -> shipped.add(r.asText()));
        kustomization.path("configMapGenerator").forEach(g -> g.path("files").forEach(f -> shipped.add(f.asText())));
        Set<String> files = new TreeSet<>(Set.of("prometheus-rule.yaml"));
        dashboards().forEach(d -> files.add("dashboards/" + d.getFileName()));
        assertEquals(files, shipped);
        List<String> prodResources = new ArrayList<>();
        Manifests.yaml(Manifests.KUBERNETES.resolve("overlays/prod/kustomization.yaml")).path("resources")
                .forEach(r -> prodResources.add(r.asText()));
        assertTrue(prodResources.contains("../../../monitoring"), "the prod overlay deploys the alerts and dashboards");
    }

    @Test
    void everyMetricReadIsOneAServiceExports() throws IOException {
        Set<String> exported = new HashSet<>();
        for (String service : Manifests.SERVICES) {
            Path list = MONITORING.resolve("metrics/" + service + ".txt");
            assertTrue(Files.exists(list), list + " is missing: run " + service
                    + "'s ExportedMetricsTest with -Dtenantry.write-docs=true");
            Files.readAllLines(list).stream().filter(l -> !l.isBlank()).forEach(exported::add);
        }
        Map<String, String> queries = new LinkedHashMap<>();
        alerts().forEach(a -> queries.put("alert " + a.path("alert").asText(), a.path("expr").asText()));
        queries.putAll(dashboardQueries());
        SortedSet<String> missing = new TreeSet<>();
        queries.forEach((where, expr) -> PromQl.metricNames(PromQl.substituteGrafana(expr)).stream()
                .filter(name -> !exported.contains(name) && !external(name))
                .forEach(name -> missing.add(name + " (" + where + ")")));
        assertTrue(missing.isEmpty(), "metrics no service exports: " + missing
                + "; if a service does, rerun its ExportedMetricsTest with -Dtenantry.write-docs=true");
    }

    @Test
    void metricNamesAreFoundInExpressions() {
        assertEquals(new TreeSet<>(List.of("a_total", "b_seconds_sum", "c")), PromQl.metricNames(
                "sum by (server, le) (rate(a_total{x=\"y\", z=~\"w|v\"}[5m])) / on (instance) group_left (pod)"
                        + " histogram_quantile(0.95, b_seconds_sum offset 5m) > bool 0 and c unless label_replace(c, \"a\", \"$1\", \"b\", \"(.*)\")"));
        assertEquals("sum(rate(x{org_id=\"variable\"}[5m]))",
                PromQl.substituteGrafana("sum(rate(x{org_id=\"$org\"}[$__rate_interval]))"));
        assertEquals("up{job=~\"variable\"}", PromQl.substituteGrafana("label_values(up{job=~\"${job}\"}, instance)"));
    }

    private static boolean external(String name) {
        return EXTERNAL_NAMES.contains(name) || EXTERNAL_PREFIXES.stream().anyMatch(name::startsWith);
    }

    private static List<JsonNode> alerts() {
        List<JsonNode> alerts = new ArrayList<>();
        rule().path("spec").path("groups").forEach(g -> g.path("rules").forEach(alerts::add));
        return alerts;
    }

    private static JsonNode rule() {
        JsonNode rule = Manifests.yaml(MONITORING.resolve("prometheus-rule.yaml"));
        assertEquals("monitoring.coreos.com/v1", rule.path("apiVersion").asText());
        assertEquals("PrometheusRule", rule.path("kind").asText());
        return rule;
    }

    /** The PrometheusRule's groups as the plain rules file Prometheus and promtool read. */
    private static Path writeRules() {
        try {
            Files.createDirectories(WORK);
            Path rules = WORK.resolve("tenantry-rules.yaml");
            ObjectNode file = JSON.createObjectNode();
            file.set("groups", rule().path("spec").path("groups"));
            JSON.writerWithDefaultPrettyPrinter().writeValue(rules.toFile(), file);
            return rules;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<Path> dashboards() {
        try (Stream<Path> files = Files.list(MONITORING.resolve("dashboards"))) {
            return files.filter(f -> f.toString().endsWith(".json")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every query of every dashboard (panel targets and query variables), by where it is. */
    private static Map<String, String> dashboardQueries() {
        Map<String, String> queries = new LinkedHashMap<>();
        for (Path file : dashboards()) {
            JsonNode dashboard;
            try {
                dashboard = JSON.readTree(file.toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            String name = file.getFileName().toString();
            for (JsonNode panel : panels(dashboard)) {
                for (JsonNode target : panel.path("targets")) {
                    queries.put(name + " panel '" + panel.path("title").asText() + "' " + target.path("refId").asText(),
                            target.path("expr").asText());
                }
            }
            for (JsonNode variable : dashboard.path("templating").path("list")) {
                if (variable.path("type").asText().equals("query")) {
                    queries.put(name + " variable " + variable.path("name").asText(),
                            variable.path("query").path("query").asText());
                }
            }
        }
        return queries;
    }

    private static List<JsonNode> panels(JsonNode dashboard) {
        List<JsonNode> panels = new ArrayList<>();
        for (JsonNode panel : dashboard.path("panels")) {
            panels.add(panel);
            panel.path("panels").forEach(panels::add);
        }
        return panels;
    }

    /** The anchors GitHub gives the headings of a Markdown document. */
    static Set<String> anchors(String markdown) {
        Set<String> anchors = new HashSet<>();
        Matcher m = HEADING.matcher(markdown);
        while (m.find()) {
            anchors.add(m.group(1).strip().toLowerCase().replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-'));
        }
        return anchors;
    }
}
