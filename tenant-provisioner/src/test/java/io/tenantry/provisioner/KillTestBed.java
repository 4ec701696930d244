package io.tenantry.provisioner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.Random;
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

    /** A condition read from the servers. */
    interface Condition {
        boolean holds() throws Exception;
    }

    /** What a test checks after each kill: the number of the kill, and the step it says the work was at. */
    interface AfterKill {
        void check(int kill) throws Exception;
    }

    /** A random source for the kill moments, printed so a failing run can be repeated with {@code -Dtenantry.kill.seed}. */
    static Random seededRandom(String test) {
        long seed = Long.getLong("tenantry.kill.seed", System.nanoTime());
        System.out.println(test + " seed " + seed + " (-Dtenantry.kill.seed=" + seed + " repeats it)");
        return new Random(seed);
    }

    /**
     * Starts the provisioner as a service and kills it at a random moment below {@code maxMillis}, up to
     * {@code kills} times while the work is not {@code done}, checking after each kill.
     */
    void killRepeatedly(Path backups, int kills, Random random, long maxMillis, Condition done, AfterKill afterKill)
            throws Exception {
        for (int kill = 1; kill <= kills && !done.holds(); kill++) {
            Path log = work.resolve("service-" + kill + ".log");
            ProvisionerProcess service = ProvisionerProcess.start(testConfig, backups, Map.of(), log);
            assertTrue(service.awaitStarted(Duration.ofSeconds(60)), "the provisioner started; see " + log);
            long killAfter = random.nextLong(50, Math.max(100, maxMillis));
            service.awaitExit(Duration.ofMillis(killAfter));
            service.kill();
            System.out.printf("kill %d after %d ms%n", kill, killAfter);
            afterKill.check(kill);
        }
    }

    /** Runs the provisioner as a service, which must stay up, until the work is {@code done} within two minutes. */
    void serveUntil(Path backups, Condition done) throws Exception {
        Path log = work.resolve("service-last.log");
        ProvisionerProcess service = ProvisionerProcess.start(testConfig, backups, Map.of(), log);
        try {
            assertTrue(service.awaitStarted(Duration.ofSeconds(60)), "the provisioner started; see " + log);
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            while (!done.holds()) {
                if (System.nanoTime() > deadline) {
                    fail("the work did not finish; see " + log);
                }
                assertTrue(service.awaitExit(Duration.ofMillis(200)).isEmpty(), "the service runs on; see " + log);
            }
        } finally {
            service.kill();
        }
    }
}
