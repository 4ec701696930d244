package io.tenantry.deploy;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;

/**
 * Prometheus's {@code promtool}, from Debian's {@code prometheus} package. Missing, it is installed when the build
 * runs as root where apt-get exists (CI; 10 to 50 s, mostly apt-get update); elsewhere the tests fail saying how
 * to install it, unless {@code -Dtenantry.skip-promtool=true} asks to skip them.
 */
final class Promtool {

    static final String SKIP = "tenantry.skip-promtool";
    private static final String INSTALL = "apt-get update && apt-get install -y --no-install-recommends prometheus";
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
            binary = onPath("promtool").orElseGet(Promtool::install);
        }
        return binary;
    }

    private static Path install() {
        if (Boolean.getBoolean(SKIP)) {
            Assumptions.abort("promtool is not installed and -D" + SKIP + "=true skips the checks that need it");
        }
        boolean root = "0".equals(exec(Path.of("."), List.of("id", "-u"), 10).output().strip());
        if (!root || onPath("apt-get").isEmpty()) {
            fail("promtool (Prometheus) is needed to check the alert rules and dashboards in deploy/monitoring. Install it"
                    + " (Debian/Ubuntu: sudo " + INSTALL + "; or a release from https://prometheus.io/download/ on the"
                    + " PATH), or skip these checks with -D" + SKIP + "=true");
        }
        Result installed = exec(Path.of("."), List.of("sh", "-c", "export DEBIAN_FRONTEND=noninteractive; " + INSTALL), 600);
        if (installed.exitCode() != 0) {
            fail("installing promtool with `" + INSTALL + "` failed:\n" + installed.output());
        }
        return onPath("promtool").orElseThrow(() -> new AssertionError("the prometheus package installed no promtool"));
    }

    private static Optional<Path> onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
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
