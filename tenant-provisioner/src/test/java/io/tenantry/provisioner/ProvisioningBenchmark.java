package io.tenantry.provisioner;

import static io.tenantry.provisioner.ProvisionerTestSupport.asTenant;
import static io.tenantry.provisioner.ProvisionerTestSupport.newOrganization;
import static io.tenantry.provisioner.ProvisionerTestSupport.serverOf;

import java.sql.Connection;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.tenantry.provisioner.reconcile.Reconciler;
import io.tenantry.provisioner.rollout.RolloutPlan;
import io.tenantry.provisioner.rollout.RolloutRunner;
import io.tenantry.provisioner.rollout.RolloutStore;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.TenantryTestServers;

/**
 * Time from "organization recorded" to "the tenant role runs a query in its own database", per tenant. Not part
 * of the test suite (tag "bench"); run it with the command in bench/README.md. It prints figures, asserts none.
 */
@Tag("bench")
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = ProvisionerTestSupport.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.PROVISIONER_ROLE)})
class ProvisioningBenchmark {

    @Inject
    Reconciler reconciler;

    @Inject
    RolloutStore store;

    @Inject
    RolloutRunner runner;

    @Test
    void provisionTenants() throws Exception {
        int tenants = Integer.getInteger("bench.tenants", 100);
        for (int i = 0; i < 5; i++) {
            provisionOne();
        }
        List<Double> millis = new ArrayList<>();
        long start = System.nanoTime();
        for (int i = 0; i < tenants; i++) {
            millis.add(provisionOne());
        }
        double totalSeconds = (System.nanoTime() - start) / 1e9;
        Collections.sort(millis);
        System.out.printf("BENCH provisioning tenants=%d median_ms=%.1f p99_ms=%.1f worst_ms=%.1f tenants_per_minute=%.0f%n",
                tenants, millis.get(tenants / 2), millis.get((int) Math.ceil(tenants * 0.99) - 1),
                millis.get(tenants - 1), tenants / totalSeconds * 60);

        int parallelism = Integer.getInteger("bench.parallelism", 4);
        RolloutPlan plan = new RolloutPlan(1, parallelism, 0);
        for (String label : List.of("new-migration", "no-op")) {
            long t0 = System.nanoTime();
            var result = runner.run(store.create(plan, "bench"), plan, RolloutTest.WITH_TEST_MIGRATION);
            System.out.printf("BENCH rollout kind=%s tenants=%d parallelism=%d seconds=%.2f status=%s failed=%d%n",
                    label, result.total(), parallelism, (System.nanoTime() - t0) / 1e9, result.status(), result.failed());
        }
    }

    private double provisionOne() throws Exception {
        long t0 = System.nanoTime();
        String orgId = newOrganization("eu-west");
        reconciler.reconcile(orgId);
        try (Connection c = asTenant(orgId, serverOf(orgId), "results_" + orgId); Statement s = c.createStatement()) {
            s.executeQuery("SELECT count(*) FROM jobs").close();
        }
        return (System.nanoTime() - t0) / 1e6;
    }
}
