package io.tenantry.devlauncher;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import org.junit.jupiter.api.Assumptions;

import io.tenantry.servers.DebianPrograms;

/**
 * A real Prometheus (Debian's {@code prometheus} package, installed by {@link DebianPrograms} where it can) scraping
 * the platform's services every {@link #SCRAPE_INTERVAL_SECONDS} s, with its data in a directory of its own. Missing
 * and not installable, the test fails saying how to install it, unless {@code -Dtenantry.skip-promtool=true} (the
 * switch of deploy's promtool checks: the same package) asks to skip it.
 */
final class Prometheus implements AutoCloseable {

    static final String SKIP = "tenantry.skip-promtool";
    static final int SCRAPE_INTERVAL_SECONDS = 2;

    private final Process process;
    private final int port;

    private Prometheus(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts Prometheus in {@code dir} scraping {@code /q/metrics} of each job's target (job name to host:port). */
    static Prometheus start(Path dir, Map<String, String> targetsByJob) throws IOException, InterruptedException {
        Path binary = binary();
        StringBuilder config = new StringBuilder("""
                global:
                  scrape_interval: %ds
                  evaluation_interval: %ds
                scrape_configs:
                """.formatted(SCRAPE_INTERVAL_SECONDS, SCRAPE_INTERVAL_SECONDS));
        targetsByJob.forEach((job, target) -> config.append("""
                  - job_name: %s
                    metrics_path: /q/metrics
                    static_configs:
                      - targets: ['%s']
                """.formatted(job, target)));
        Files.createDirectories(dir);
        Path configFile = Files.writeString(dir.resolve("prometheus.yml"), config);
        int port = freePort();
        Process process = new ProcessBuilder(binary.toString(), "--config.file=" + configFile,
                "--storage.tsdb.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port)
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        Prometheus prometheus = new Prometheus(process, port);
        try {
            LocalPlatform.waitUntilReady("Prometheus", process, prometheus.url() + "/-/ready",
                    dir.resolve("prometheus.log"), Duration.ofMinutes(1));
        } catch (RuntimeException | InterruptedException e) {
            prometheus.close();
            throw e;
        }
        return prometheus;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    private static Path binary() {
        if (DebianPrograms.onPath("prometheus").isEmpty() && Boolean.getBoolean(SKIP)) {
            Assumptions.abort("Prometheus is not installed and -D" + SKIP + "=true skips the tests that need it");
        }
        try {
            return DebianPrograms.require("prometheus", "prometheus");
        } catch (IllegalStateException missing) {
            return fail("The dashboards' test runs a real Prometheus: " + missing.getMessage()
                    + "; or skip it with -D" + SKIP + "=true");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() {
        LocalPlatform.stop(process);
    }
}
