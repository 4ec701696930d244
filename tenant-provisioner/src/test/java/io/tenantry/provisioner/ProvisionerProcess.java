package io.tenantry.provisioner;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.ProvisionerProcesses;

/**
 * This module's packaged provisioner ({@code target/quarkus-app/quarkus-run.jar}) run as an operating-system process
 * (see {@link ProvisionerProcesses}). Its output goes to a log file line by line, so it can be killed at any moment.
 */
final class ProvisionerProcess {

    static final Path JAR = Path.of("target", "quarkus-app", "quarkus-run.jar");

    private final Process process;
    private final CountDownLatch started = new CountDownLatch(1);
    private final Thread drain;

    private ProvisionerProcess(Process process, Path log) {
        this.process = process;
        this.drain = new Thread(() -> copyOutput(log), "provisioner-output");
        drain.setDaemon(true);
        drain.start();
    }

    /**
     * Starts the provisioner with {@code args} against the test servers; {@code properties} are further system
     * properties (such as a staged migration location).
     */
    static ProvisionerProcess start(Map<String, String> testConfig, Path exports, Map<String, String> properties,
                                    Path log, String... args) throws IOException {
        if (!Files.exists(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing; it exists after mvn package");
        }
        List<String> jvmOptions = new ArrayList<>(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1",
                "-Dquarkus.http.port=0", "-Dquarkus.scheduler.enabled=false"));
        properties.forEach((key, value) -> jvmOptions.add("-D" + key + "=" + value));
        ProcessBuilder builder = ProvisionerProcesses.builder(JAR, MetadataSchema.PROVISIONER_ROLE, jvmOptions, List.of(args));
        Map<String, String> env = builder.environment();
        env.put("TENANTRY_TENANT_MASTER_SECRET", ProvisionerTestSupport.MASTER_SECRET);
        env.put("TENANTRY_BACKUP_DIRECTORY", exports.toString());
        env.put("TENANTRY_JWT_PUBLIC_KEY_LOCATION", testConfig.get("mp.jwt.verify.publickey.location"));
        return new ProvisionerProcess(builder.start(), log);
    }

    /** Waits until Quarkus reports the application started; false if it did not within {@code timeout}. */
    boolean awaitStarted(Duration timeout) throws InterruptedException {
        return started.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Waits for the process to end by itself; empty if it is still running after {@code timeout}. */
    OptionalInt awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            return OptionalInt.empty();
        }
        drain.join();
        return OptionalInt.of(process.exitValue());
    }

    /** SIGKILL on Linux: no shutdown hook, no pool closing, no transaction ending; the servers see sockets drop. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
        drain.join();
    }

    private void copyOutput(Path log) {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
             Writer file = Files.newBufferedWriter(log)) {
            for (String line = out.readLine(); line != null; line = out.readLine()) {
                file.write(line);
                file.write('\n');
                if (line.contains(" started in ")) {
                    started.countDown();
                }
            }
        } catch (IOException e) {
            // Killing the process closes its output under the reader.
            if (process.isAlive()) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
