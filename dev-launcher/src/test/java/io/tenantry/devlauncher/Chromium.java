package io.tenantry.devlauncher;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Debian's chromium and chromedriver for the browser tests: installed with apt-get when missing and this is root
 * (as on CI), a loud failure with what to do otherwise, unless {@code -Dtenantry.skip-browser-tests=true}. No browser
 * is downloaded at run time.
 */
final class Chromium {

    static final Path BROWSER = Path.of("/usr/bin/chromium");
    static final Path DRIVER = Path.of("/usr/bin/chromedriver");
    static final String SKIP = "tenantry.skip-browser-tests";

    private Chromium() {
    }

    /** Makes sure both are installed, installing them where it can; aborts the tests only when asked to skip. */
    static void ensureInstalled(Path log) throws IOException, InterruptedException {
        Assumptions.assumeFalse(Boolean.getBoolean(SKIP), "browser tests skipped: -D" + SKIP + "=true");
        if (installed()) {
            return;
        }
        boolean root = "0".equals(output("id", "-u"));
        boolean apt = Files.isExecutable(Path.of("/usr/bin/apt-get"));
        if (root && apt) {
            run(log, "apt-get", "update");
            run(log, "apt-get", "install", "-y", "--no-install-recommends", "chromium", "chromium-driver");
        }
        if (!installed()) {
            fail("""
                    The console's browser tests need Debian's chromium and chromedriver (%s, %s), and they are missing%s.
                    Install them:   sudo apt-get update && sudo apt-get install -y chromium chromium-driver
                    or skip these tests on purpose:   ./mvnw verify -D%s=true"""
                    .formatted(BROWSER, DRIVER, root && apt ? " after apt-get install (see " + log + ")"
                            : root ? " and there is no apt-get here" : " and installing them needs root", SKIP));
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

    private static boolean installed() {
        return Files.isExecutable(BROWSER) && Files.isExecutable(DRIVER);
    }

    private static void run(Path log, String... command) throws IOException, InterruptedException {
        Files.createDirectories(log.getParent());
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().put("DEBIAN_FRONTEND", "noninteractive");
        Process process = builder.start();
        if (!process.waitFor(15, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
    }

    private static String output(String... command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(List.of(command)).redirectErrorStream(true).start();
        String out = new String(process.getInputStream().readAllBytes()).trim();
        process.waitFor();
        return out;
    }
}
