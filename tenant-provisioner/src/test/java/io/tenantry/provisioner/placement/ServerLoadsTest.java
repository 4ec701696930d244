package io.tenantry.provisioner.placement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.TenantryTestServers;

/** Placement trusts a recent measure of the servers, counting what it placed since, and measures again after it. */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = MetadataSchema.LOCATION),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.PROVISIONER_ROLE)})
class ServerLoadsTest {

    private static final Duration LONG = Duration.ofHours(1);

    @Inject
    ServerLoads loads;

    @Test
    void aRecentMeasureIsTrustedWithEachPlacementCountedUntilTheServerIsMeasuredAgain() throws SQLException {
        List<String> pg1 = List.of("pg1");
        long measured = loads.recentTotalBytes(pg1, Duration.ZERO).get("pg1");
        String database = "results_loads_" + System.nanoTime();
        try (Connection c = TenantryTestServers.servers().postgres(1).connect("postgres");
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
            try {
                assertEquals(measured, loads.recentTotalBytes(pg1, LONG).get("pg1"),
                        "within the interval the last measure answers, the new database unseen");
                loads.placed("pg1");
                assertEquals(measured + ServerLoads.NEW_DATABASE_BYTES, loads.recentTotalBytes(pg1, LONG).get("pg1"),
                        "a placement counts as a new database");
                long fresh = loads.recentTotalBytes(pg1, Duration.ZERO).get("pg1");
                assertTrue(fresh > measured, "measured again, the new database is in: " + fresh + " > " + measured);
                assertEquals(fresh, loads.recentTotalBytes(pg1, LONG).get("pg1"), "and that measure is trusted next");
            } finally {
                s.execute("DROP DATABASE " + database);
            }
        }
    }
}
