package io.tenantry.provisioner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.TenantryTestServers;

/**
 * What a test that kills the packaged provisioner stands on: two test servers and Redis of its own, a fresh
 * folder under {@code target/} for logs and backups, and runs of the provisioner to their end.
 */
final class KillTestBed {

    final Map<String, String> testConfig;
    final Path work;
    private final TenantryTestServers servers;

    private KillTestBed(TenantryTestServers servers, Map<String, String> testConfig, Path work) {
        this.servers = servers;
        this.testConfig = testConfig;
        this.work = work;
    }

    static KillTestBed start(String folder) throws IOException {
        TenantryTestServers servers = new TenantryTestServers();
        servers.init(Map.of("postgres-servers", "2", "metadata-migrations", ProvisionerTestSupport.METADATA_MIGRATIONS,
                "metadata-role", MetadataSchema.PROVISIONER_ROLE));
        Map<String, String> config = servers.start();
        Path work = Path.of("target", folder);
        if (Files.exists(work)) {
            try (Stream<Path> old = Files.walk(work)) {
                old.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
            }
        }
        Files.createDirectories(work);
        return new KillTestBed(servers, config, work);
    }

    void stop() {
        servers.stop();
    }

    /** Runs a command to its end, which must be a success; returns how long its work took after start-up (ms). */
    long runToEnd(Path backups, String name, String... args) throws IOException, InterruptedException {
        ProvisionerProcess process = ProvisionerProcess.start(testConfig, backups, Map.of(),
                work.resolve(name + ".log"), args);
        assertTrue(process.awaitStarted(Duration.ofSeconds(60)), "the provisioner started; see " + name + ".log");
        long started = System.nanoTime();
        assertEquals(0, process.awaitExit(Duration.ofMinutes(2)).orElseThrow(), name + " failed; see " + name + ".log");
        return Duration.ofNanos(System.nanoTime() - started).toMillis();
    }
}
