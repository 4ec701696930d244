package io.tenantry.devlauncher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The operator console in a real headless Chromium against the whole platform ({@link TestPlatform}, shared with
 * {@link DashboardScreenshotTest}; this class runs first, so the fleet it shows starts empty): sign-in, onboarding
 * a tenant and watching it become active, a rollout followed to its end on its live page, and a POST without the
 * CSRF token refused. Screenshots go to target/console-screenshots; {@code -Dtenantry.console.update-docs=true} also
 * copies them to docs/console.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Order(1)
class ConsoleBrowserTest {

    private static final Path ROOT = TestPlatform.ROOT;
    private static final Path TARGET = TestPlatform.TARGET;
    private static final Path SCREENSHOTS = TARGET.resolve("console-screenshots");
    private static final String ADMIN = TestPlatform.ADMIN;
    private static final String LEAD = "lead@browser.test";
    private static final String ORG = "browser_lab";

    private static TestPlatform platform;
    private static String console;
    private static String adminPassword;
    private static ChromeDriver browser;
    private static WebDriverWait wait;

    @BeforeAll
    static void startThePlatformAndTheBrowser() throws Exception {
        Chromium.ensureInstalled();
        platform = TestPlatform.shared();
        console = platform.url(LocalPlatform.PROVISIONER_PORT) + "/console";
        adminPassword = platform.adminPassword;
        Files.createDirectories(SCREENSHOTS);
        browser = Chromium.start(platform.state.resolve("chromium-profile"));
        wait = new WebDriverWait(browser, Duration.ofSeconds(90), Duration.ofMillis(200));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    @Test
    @Order(1)
    void aWrongPasswordIsRefusedAndTheAdministratorSignsIn() throws Exception {
        browser.get(console);
        wait.until(ExpectedConditions.urlContains("/console/sign-in"));
        signIn(ADMIN, "not-the-password");
        assertEquals("Wrong email or password.", browser.findElement(By.id("message")).getText());
        screenshot("sign-in-refused");
        signIn(ADMIN, adminPassword);
        wait.until(ExpectedConditions.presenceOfElementLocated(By.id("tenants")));
        assertTrue(browser.findElement(By.className("who")).getText().contains(ADMIN));
        screenshot("fleet-empty");
    }

    @Test
    @Order(2)
    void anOrganizationOnboardedFromTheConsoleBecomesAnActiveTenant() throws Exception {
        browser.findElement(By.linkText("Onboard")).click();
        browser.findElement(By.id("orgId")).sendKeys(ORG);
        browser.findElement(By.id("displayName")).sendKeys("Browser Lab");
        browser.findElement(By.id("leadEmail")).sendKeys(LEAD);
        screenshot("onboard");
        browser.findElement(By.id("review")).click();
        assertTrue(question().contains(LEAD));
        screenshot("onboard-confirm");
        browser.findElement(By.id("confirm")).click();
        // The lead had no account: metadata-service made one, and its password works there once shown.
        String leadPassword = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("lead-password"))).getText();
        platform.api.token(Map.of("grant_type", "password", "username", LEAD, "password", leadPassword));
        screenshot("onboarded");
        browser.findElement(By.id("to-tenant")).click();
        wait.until(ExpectedConditions.urlContains("/console/tenants/" + ORG));
        wait.until(driver -> {
            driver.navigate().refresh();
            return driver.findElements(By.id("tenant-status")).stream().anyMatch(e -> e.getText().equals("active"));
        });
        screenshot("tenant");
        browser.get(console);
        assertEquals("active", browser.findElement(By.cssSelector("#tenant-" + ORG + " .status")).getText());
        screenshot("fleet");
    }

    @Test
    @Order(3)
    void rolloutsStartedFromTheConsoleAreFollowedLiveToTheirEnd() throws Exception {
        // Down to version 2 and back up to the newest: each has a tenant to migrate, so each page starts running.
        String newest = schemaVersionOnTheTenantPage();
        startRollout("2");
        followToItsEnd();
        assertEquals("2", schemaVersionOnTheTenantPage());
        startRollout("");
        followToItsEnd();
        screenshot("rollout");
        browser.findElement(By.linkText("Rollouts")).click();
        screenshot("rollouts");
        assertEquals(newest, schemaVersionOnTheTenantPage());
    }

    private static void startRollout(String targetVersion) {
        browser.get(console + "/rollouts");
        browser.findElement(By.id("new-rollout")).click();
        browser.findElement(By.id("targetVersion")).sendKeys(targetVersion);
        browser.findElement(By.id("review")).click();
        assertTrue(question().contains(
                targetVersion.isEmpty() ? "the newest schema version" : "schema version " + targetVersion));
        browser.findElement(By.id("confirm")).click();
        wait.until(ExpectedConditions.urlMatches("/console/rollouts/[0-9a-f-]{36}$"));
    }

    /** The confirmation page's question, once the review's POST has brought that page (the click does not wait). */
    private static String question() {
        return wait.until(ExpectedConditions.presenceOfElementLocated(By.className("question"))).getText();
    }

    /** Waits on the rollout's page, never reloaded, until its script has shown the rollout succeeded. */
    private static void followToItsEnd() {
        String page = browser.getCurrentUrl();
        WebElement first = browser.findElement(By.id("progress"));
        boolean running = "running".equals(first.getAttribute("data-status"));
        wait.until(ExpectedConditions.textToBe(By.id("rollout-status"), "succeeded"));
        assertEquals(page, browser.getCurrentUrl());
        if (running) {
            assertTrue(ExpectedConditions.stalenessOf(first).apply(browser), "the script replaced the progress");
        }
        String counts = browser.findElement(By.id("rollout-counts")).getText();
        assertTrue(counts.contains("0 failed") && counts.contains("0 pending"), counts);
    }

    private static String schemaVersionOnTheTenantPage() {
        browser.get(console + "/tenants/" + ORG);
        return browser.findElement(By.id("schema-version")).getText();
    }

    @Test
    @Order(4)
    void aPostWithoutTheCsrfTokenIsRefused() throws Exception {
        browser.get(console + "/tenants/" + ORG);
        // A form as another site would post it: the browser's session cookie, no token of this session.
        browser.executeScript("""
                const form = document.createElement('form');
                form.method = 'post';
                form.action = '/console/tenants/%s/suspend';
                document.body.appendChild(form);
                form.submit();""".formatted(ORG));
        wait.until(ExpectedConditions.urlContains("/suspend"));
        String body = browser.findElement(By.tagName("body")).getText();
        assertTrue(body.contains("\"status\":403") && body.contains("CSRF"), body);
        screenshot("csrf-refused");
        browser.get(console + "/tenants/" + ORG);
        assertEquals("active", browser.findElement(By.id("tenant-status")).getText());
    }

    @Test
    @Order(5)
    void signingOutEndsTheSession() {
        browser.findElement(By.id("sign-out")).click();
        wait.until(ExpectedConditions.urlContains("/console/sign-in"));
        assertEquals("You signed out.", browser.findElement(By.id("message")).getText());
        browser.get(console);
        wait.until(ExpectedConditions.urlContains("/console/sign-in"));
    }

    private static void signIn(String email, String password) {
        WebElement field = browser.findElement(By.id("email"));
        field.clear();
        field.sendKeys(email);
        browser.findElement(By.id("password")).sendKeys(password);
        browser.findElement(By.id("sign-in")).click();
    }

    private static void screenshot(String name) throws Exception {
        Path shot = SCREENSHOTS.resolve(name + ".png");
        Files.write(shot, browser.getScreenshotAs(OutputType.BYTES));
        if (Boolean.getBoolean("tenantry.console.update-docs")) {
            Path docs = Files.createDirectories(ROOT.resolve("docs/console"));
            Files.copy(shot, docs.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
        }
    }
}
