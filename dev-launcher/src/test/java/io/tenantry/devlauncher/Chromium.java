package io.tenantry.devlauncher;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import io.tenantry.servers.DebianPrograms;

/**
 * Debian's chromium and chromedriver for the browser tests: installed by {@link DebianPrograms} when missing and this
 * is root (as on CI), a loud failure with what to do otherwise, unless {@code -Dtenantry.skip-browser-tests=true}. No
 * browser is downloaded at run time.
 */
final class Chromium {

    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final String SKIP = "tenantry.skip-browser-tests";

    private Chromium() {
    }

    /** Makes sure both are installed, installing them where it can; aborts the tests only when asked to skip. */
    static void ensureInstalled() {
        Assumptions.assumeFalse(Boolean.getBoolean(SKIP), "browser tests skipped: -D" + SKIP + "=true");
        try {
            DebianPrograms.require(DRIVER.getFileName().toString(), "chromium", "chromium-driver");
            DebianPrograms.require(BROWSER.getFileName().toString(), "chromium", "chromium-driver");
        } catch (IllegalStateException missing) {
            fail("The browser tests need Debian's chromium and chromedriver: " + missing.getMessage()
                    + "; or skip these tests on purpose: ./mvnw verify -D" + SKIP + "=true");
        }
        if (!Files.isExecutable(BROWSER) || !Files.isExecutable(DRIVER)) {
            fail("Debian's chromium and chromedriver are expected at " + BROWSER + " and " + DRIVER);
        }
    }

    /**
     * A headless browser with a profile of its own; without the background-networking switches Chromium reaches out
     * on its own, and a closed network refuses its connections.
     */
    static ChromeDriver start(Path profile) {
        ChromeOptions options = new ChromeOptions();
        options.setBinary(BROWSER.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1280,900", "--user-data-dir=" + profile.toAbsolutePath());
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
        return driver;
    }
}
