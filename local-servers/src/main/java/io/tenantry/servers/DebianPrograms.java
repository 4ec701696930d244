package io.tenantry.servers;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Programs the checks run from Debian's packages (Prometheus's {@code prometheus} and {@code promtool}): taken from
 * the PATH, or installed with apt-get when missing and this runs as root where apt-get exists (as on CI; 10 to 50 s,
 * mostly apt-get update). Nothing is downloaded from elsewhere.
 */
public final class DebianPrograms {

    private DebianPrograms() {
    }

    /** The program as found on the PATH. */
    public static Optional<Path> onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /**
     * The program from the PATH, else from {@code debianPackages} (the one that has it, and any others wanted with
     * it) installed now.
     *
     * @throws IllegalStateException saying how to install it, when it is missing and cannot be installed here
     */
    public static synchronized Path require(String program, String... debianPackages) {
        Optional<Path> found = onPath(program);
        if (found.isPresent()) {
            return found.get();
        }
        String install = "apt-get update && apt-get install -y --no-install-recommends "
                + String.join(" ", debianPackages);
        boolean root = "0".equals(run(List.of("id", "-u"), 10).strip());
        if (!root || onPath("apt-get").isEmpty()) {
            throw new IllegalStateException(program + " is missing. Install it (Debian/Ubuntu: sudo " + install
                    + "), or put it on the PATH");
        }
        String output = run(List.of("sh", "-c", "export DEBIAN_FRONTEND=noninteractive; " + install), 600);
        return onPath(program).orElseThrow(() -> new IllegalStateException(
                "`" + install + "` did not install " + program + ":\n" + output));
    }

    private static String run(List<String> command, int timeoutSeconds) {
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output = process.getInputStream().readAllBytes();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IllegalStateException(command + " did not finish within " + timeoutSeconds + " s");
            }
            return new String(output, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot run " + command + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted running " + command, e);
        }
    }
}
