package io.tenantry.bench;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A load tool nobody here wrote (pgbench, wrk), run as a process beside the suite's own generators so a reader can
 * see they agree. A tool that is not installed makes its figure say so instead of failing the run: bench/run.sh
 * installs them from Debian's packages when it can.
 */
final class ExternalTool {

    private ExternalTool() {
    }

    /** The command's path on {@code PATH}, if it is installed. */
    static Optional<Path> find(String command) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path candidate = Path.of(dir.isEmpty() ? "." : dir, command);
            if (Files.isExecutable(candidate)) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    /** Runs the command to its end, its output (stdout and stderr) kept in {@code log}; fails unless it exits 0. */
    static String run(List<String> command, Map<String, String> environment, Path log, Duration timeout)
            throws IOException, InterruptedException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(command.get(0) + " did not finish in " + timeout + "; see " + log);
        }
        String output = Files.readString(log);
        if (process.exitValue() != 0) {
            throw new IllegalStateException(command.get(0) + " exited " + process.exitValue() + "; see " + log);
        }
        return output;
    }

    /** The figure's row when the tool is not installed, or failed: no numbers, and why. */
    static Measurement missing(String figure, String variant, int tenants, String why) {
        Bench.log(variant + ": " + why);
        return new Measurement(figure, variant, tenants, 1, 0, "", 0, 0, 0, 0, 0, Map.of(), Map.of("missing", why));
    }

    static String notInstalled(String command, String debianPackage) {
        return command + " is not installed (bench/run.sh installs Debian's " + debianPackage
                + " when run as root with apt-get)";
    }

    /** The first group of {@code pattern} in the tool's output. */
    static String field(String output, String pattern) {
        Matcher m = Pattern.compile(pattern, Pattern.MULTILINE).matcher(output);
        if (!m.find()) {
            throw new IllegalStateException("no " + pattern + " in the output:\n" + output);
        }
        return m.group(1);
    }
}
