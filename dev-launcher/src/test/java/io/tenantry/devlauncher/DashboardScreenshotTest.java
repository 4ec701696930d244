package io.tenantry.devlauncher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Each Grafana dashboard of deploy/monitoring/dashboards drawn from a live platform's metrics, the way Grafana would
 * draw it, and checked: a real Prometheus scrapes the three services of {@link TestPlatform} every 2 s while the
 * demo of ./run.sh runs (an organization onboarded, molecules, a worker client, a docking job worked to its end) and
 * its tenant's health is collected; then the page of {@link DashboardRenderer} runs every panel's PromQL over
 * Prometheus's HTTP API and draws the panels in the dashboard's layout in headless Chromium.
 * <p>
 * Every query must run without error, and every panel must show data from the platform, except those listed in
 * {@link #ALLOWED_EMPTY}, which a fresh platform has no cause to fill. The screenshots go to target/dashboards;
 * {@code -Dtenantry.write-docs=true} also writes them to docs/monitoring. Skipped with
 * {@code -Dtenantry.skip-browser-tests=true}, or {@code -Dtenantry.skip-promtool=true} where Prometheus is missing.
 */
@Order(2)
class DashboardScreenshotTest {

    private static final Path DASHBOARDS = TestPlatform.ROOT.resolve("deploy/monitoring/dashboards");
    private static final Path SCREENSHOTS = TestPlatform.TARGET.resolve("dashboards");
    private static final Path DOCS = TestPlatform.ROOT.resolve("docs/monitoring");
    /** "dashboard file / panel title" of panels that stay empty on a fresh, healthy platform, and why. */
    private static final Set<String> ALLOWED_EMPTY = Set.of(
            // No request failed: without a series of 5xx answers the share has no series either.
            "tenantry-metadata-service / Server errors (5xx) share",
            "tenantry-tenant-provisioner / Server errors (5xx) share",
            "tenantry-results-service / Server errors (5xx) share",
            // No 503 was answered, so results-service has no series with status="503".
            "tenantry-connection-budget / 503 answers per second (connection not acquired in time, or a server down)");
    /** The tenant dashboard shows the demo's tenant, the one the demo's job ran statements on. */
    private static final Map<String, String> VARIABLES = Map.of("org", Demo.ORG);
    private static final int WIDTH = 1400;
    private static final Duration GAUGE_REFRESH = Duration.ofSeconds(40);

    private static Prometheus prometheus;
    private static DashboardRenderer renderer;
    private static ChromeDriver browser;
    private static Instant scrapedSince;

    @BeforeAll
    static void scrapeThePlatformWhileTheDemoRuns() throws Exception {
        Chromium.ensureInstalled();
        Map<String, String> targets = new LinkedHashMap<>();
        targets.put("metadata-service", metricsTarget(LocalPlatform.METADATA_PORT));
        targets.put("tenant-provisioner", metricsTarget(LocalPlatform.PROVISIONER_PORT));
        targets.put("results-service", metricsTarget(LocalPlatform.RESULTS_PORT));
        scrapedSince = Instant.now();
        // Before the platform, so that a platform this test starts is scraped from its first moments.
        prometheus = Prometheus.start(Files.createTempDirectory(Files.createDirectories(TestPlatform.TARGET),
                "prometheus-"), targets);
        TestPlatform platform = TestPlatform.shared();
        renderer = new DashboardRenderer(DASHBOARDS, prometheus.url());
        runTheDemo(platform);
        // A few scrapes after the last request, so rates over Grafana's $__rate_interval (4 scrapes) have seen it.
        Thread.sleep(5000L * Prometheus.SCRAPE_INTERVAL_SECONDS);
        Files.createDirectories(SCREENSHOTS);
        browser = Chromium.start(platform.state.resolve("dashboard-chromium-profile"));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (renderer != null) {
            renderer.close();
        }
        if (prometheus != null) {
            prometheus.close();
        }
    }

    static Stream<String> dashboards() throws IOException {
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            List<String> names = files.map(f -> f.getFileName().toString()).filter(n -> n.endsWith(".json"))
                    .map(n -> n.substring(0, n.length() - ".json".length())).sorted().toList();
            assertTrue(names.size() >= 6, "the dashboards were found in " + DASHBOARDS + ": " + names);
            return names.stream();
        }
    }

    @ParameterizedTest
    @MethodSource("dashboards")
    void everyPanelRunsItsQueriesAndShowsTheLivePlatformsData(String dashboard) throws Exception {
        // Some gauges are refreshed by their service every 30 s (the fleet's), so a panel may fill only on a later
        // drawing, as on a Grafana dashboard left open.
        Instant deadline = Instant.now().plus(GAUGE_REFRESH);
        JsonNode report = draw(dashboard);
        while (!panelsWithoutData(report).isEmpty() && Instant.now().isBefore(deadline)) {
            Thread.sleep(2000L * Prometheus.SCRAPE_INTERVAL_SECONDS);
            report = draw(dashboard);
        }
        screenshot(dashboard);

        assertNull(report.get("error"), dashboard + ": " + report.path("error").asText());
        assertTrue(report.get("panels").findValues("queries").stream().anyMatch(q -> !q.isEmpty()),
                dashboard + " has panels with queries");
        List<String> failed = new ArrayList<>();
        for (JsonNode panel : report.get("panels")) {
            for (JsonNode query : panel.get("queries")) {
                if (query.has("error")) {
                    failed.add(panel.get("title").asText() + ": " + query.get("sent").asText() + " -> "
                            + query.get("error").asText());
                }
            }
        }
        assertEquals(List.of(), failed, "queries Prometheus refused (variables: " + report.get("variables") + ")");
        assertEquals(List.of(), panelsWithoutData(report), "panels without data from the live platform"
                + " (variables: " + report.get("variables") + ")");
    }

    /** The dashboard drawn over the time since Prometheus started, and what the page found. */
    private static JsonNode draw(String dashboard) throws IOException {
        browser.manage().window().setSize(new Dimension(WIDTH, 1000));
        browser.get(renderer.page(dashboard, scrapedSince.getEpochSecond(), Instant.now().getEpochSecond(),
                Prometheus.SCRAPE_INTERVAL_SECONDS, VARIABLES));
        new WebDriverWait(browser, Duration.ofSeconds(60), Duration.ofMillis(200))
                .until(driver -> Boolean.TRUE.equals(browser.executeScript("return window.dashboardReport.done")));
        ObjectNode report = (ObjectNode) Api.JSON.readTree((String) browser.executeScript(
                "return JSON.stringify(window.dashboardReport)"));
        return report.put("dashboard", dashboard);
    }

    /** "dashboard / panel title" of the panels with queries whose results had no points, except those allowed. */
    private static List<String> panelsWithoutData(JsonNode report) {
        List<String> empty = new ArrayList<>();
        for (JsonNode panel : report.get("panels")) {
            String name = report.get("dashboard").asText() + " / " + panel.get("title").asText();
            long found = 0;
            for (JsonNode query : panel.get("queries")) {
                found += query.get("points").asLong();
            }
            if (!panel.get("queries").isEmpty() && found == 0 && !ALLOWED_EMPTY.contains(name)) {
                empty.add(name);
            }
        }
        return empty;
    }

    /** The demo ./run.sh sets up, its job worked to its end by the demo worker, and its tenant's health collected. */
    private static void runTheDemo(TestPlatform platform) throws Exception {
        Demo demo = new Demo(platform.api, platform.state, step -> System.out.println("[dashboards] " + step));
        Demo.Setup setup = demo.onboard(platform.adminPassword);
        DemoWorker worker = new DemoWorker(platform.api, Demo.ORG, setup.workerClientId(), setup.workerClientSecret(),
                message -> System.out.println("[demo-worker] " + message));
        Thread thread = new Thread(worker, "demo-worker");
        thread.setDaemon(true);
        thread.start();
        try {
            String jobId = demo.submitJob(setup);
            assertEquals("succeeded", demo.awaitJob(setup, jobId, Duration.ofMinutes(2)).get("status").asText());
            demo.topResults(setup, jobId);
        } finally {
            worker.stop();
        }
        URI collect = URI.create(platform.url(LocalPlatform.PROVISIONER_PORT) + "/api/v1/tenants/" + Demo.ORG
                + "/health/collect");
        platform.api.send("POST", collect, platform.adminToken(TestPlatform.ADMIN), Map.of(), 200);
    }

    private static String metricsTarget(int usualPort) {
        return "localhost:" + LocalPlatform.managementPort(usualPort + TestPlatform.PORT_OFFSET);
    }

    private static void screenshot(String dashboard) throws IOException {
        // The window's height is the page's plus the browser's own frame, if any.
        long frame = (Long) browser.executeScript("return window.outerHeight - window.innerHeight");
        long height = (Long) browser.executeScript(
                "return Math.ceil(document.getElementById('grid').getBoundingClientRect().bottom) + 8");
        browser.manage().window().setSize(new Dimension(WIDTH, (int) Math.min(frame + height, 4000L)));
        Path shot = SCREENSHOTS.resolve(dashboard + ".png");
        Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));
        if (Boolean.getBoolean("tenantry.write-docs")) {
            Files.copy(shot, Files.createDirectories(DOCS).resolve(dashboard + ".png"),
                    StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
