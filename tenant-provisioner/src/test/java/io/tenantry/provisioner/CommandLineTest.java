package io.tenantry.provisioner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.main.Launch;
import io.quarkus.test.junit.main.LaunchResult;
import io.quarkus.test.junit.main.QuarkusMainTest;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.TenantryTestServers;

/** The provisioner as a Kubernetes Job would run it: a command, its output, its exit code. */
@QuarkusMainTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = ProvisionerTestSupport.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.PROVISIONER_ROLE)})
class CommandLineTest {

    @Test
    @Launch("migrate")
    void migrateReportsTheRegistryVersionAndExits(LaunchResult result) {
        assertEquals(0, result.exitCode());
        assertTrue(result.getOutput().contains("tenant registry at version 10"), result.getOutput());
    }

    @Test
    @Launch("status")
    void statusPrintsTheFleet(LaunchResult result) {
        assertTrue(result.getOutput().contains("bySchemaVersion"), result.getOutput());
    }

    @Test
    @Launch({"rollout", "--canary", "0", "--parallelism", "2"})
    void rolloutReportsItsOutcome(LaunchResult result) {
        assertEquals(0, result.exitCode());
        assertTrue(result.getOutput().contains("\"status\" : \"succeeded\""), result.getOutput());
    }

    @Test
    @Launch(value = "bogus", exitCode = 2)
    void anUnknownCommandPrintsUsage(LaunchResult result) {
        assertTrue(result.getErrorOutput().contains("usage"), result.getErrorOutput());
    }

    @Test
    @Launch(value = {"rollout", "--canary", "0", "--paralelism", "2"}, exitCode = 2)
    void aMisspelledOptionIsRefusedNotIgnored(LaunchResult result) {
        assertTrue(result.getErrorOutput().contains("unknown, repeated or valueless option: --paralelism"),
                result.getErrorOutput());
    }
}
