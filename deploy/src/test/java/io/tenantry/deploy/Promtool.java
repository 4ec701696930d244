package io.tenantry.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

import io.tenantry.servers.DebianPrograms;

/**
 * Prometheus's {@code promtool}, from Debian's {@code prometheus} package ({@link DebianPrograms} installs it where
 * it can); where it cannot, the tests fail saying how to install it, unless {@code -Dtenantry.skip-promtool=true}
 * asks to skip them.
 */
final class Promtool {

    static final String SKIP = "tenantry.skip-promtool";
    private static Path binary;

    private Promtool() {
    }

    /** The exit code and output of {@code promtool args...}, run in {@code dir}. */
    record Result(int exitCode, String output) {
    }

    static Result run(Path dir, String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary().toString());
        command.addAll(List.of(args));
        return exec(dir, command, 120);
    }

    private static synchronized Path binary() {
        if (binary == null) {
            if (DebianPrograms.onPath("promtool").isEmpty() && Boolean.getBoolean(SKIP)) {
                Assumptions.abort("promtool is not installed and -D" + SKIP + "=true skips the checks that need it");
            }
            try {
                binary = DebianPrograms.require("promtool", "prometheus");
            } catch (IllegalStateException missing) {
                fail("promtool (Prometheus) is needed to check the alert rules and dashboards in deploy/monitoring: "
                        + missing.getMessage() + "; or skip these checks with -D" + SKIP + "=true");
            }
        }
        return binary;
    }

    private static Result exec(Path dir, List<String> command, int timeoutSeconds) {
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                fail(command + " did not finish within " + timeoutSeconds + " s");
            }
            return new Result(process.exitValue(), new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted running " + command, e);
        }
    }
}
