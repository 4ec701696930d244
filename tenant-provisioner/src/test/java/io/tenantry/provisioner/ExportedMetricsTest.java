package io.tenantry.provisioner;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.tenantry.common.OrgId;
import io.tenantry.provisioner.dbhealth.TenantHealth;
import io.tenantry.provisioner.fleet.FleetGauges;
import io.tenantry.provisioner.reconcile.LifecycleLagGauges;
import io.tenantry.provisioner.reconcile.Reconciler;
import io.tenantry.provisioner.servers.ServerUpGauges;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.ExportedMetrics;
import io.tenantry.testing.TenantryTestServers;
import io.tenantry.testing.faults.PostgresFaults;

/**
 * What the provisioner exports is what deploy/monitoring/metrics/tenant-provisioner.txt lists, which the dashboards
 * and alerts are checked against. A profile of its own gives a fresh registry, so only the meters registered at
 * start and by the steps below are seen, whatever ran before.
 */
@QuarkusTest
@TestProfile(ExportedMetricsTest.FreshRegistry.class)
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = ProvisionerTestSupport.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.PROVISIONER_ROLE)})
class ExportedMetricsTest {

    public static final class FreshRegistry implements QuarkusTestProfile {
    }

    @Inject
    Reconciler reconciler;

    @Inject
    FleetGauges fleet;

    @Inject
    LifecycleLagGauges lag;

    @Inject
    ServerUpGauges serversUp;

    @Inject
    TenantHealth health;

    @Test
    void theListedMetricsAreExported() throws Exception {
        String waiting = ProvisionerTestSupport.newOrganization("eu-west");
        ProvisionerTestSupport.execute("UPDATE organizations SET updated_at = now() - interval '2 hours' WHERE org_id = ?",
                waiting);
        lag.refresh();
        assertTrue(gauge("tenantry_organizations_lagging") >= 1, "the new organization lags");
        assertTrue(gauge("tenantry_organizations_lagging_oldest_seconds") >= 7200, "for two hours");

        reconciler.reconcile(waiting);
        try (Connection c = ProvisionerTestSupport.asTenant(waiting, ProvisionerTestSupport.serverOf(waiting),
                OrgId.of(waiting).databaseName()); Statement s = c.createStatement()) {
            s.execute("SELECT count(*) FROM jobs");
        }
        health.collect(OrgId.of(waiting));
        fleet.refresh();
        serversUp.probe();
        given().get("/api/v1/tenants").then().statusCode(401);

        String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();

        assertTrue(scrape.contains("tenantry_server_up{server=\"pg0\"} 1.0"), "pg0 answers");
        assertTrue(scrape.contains("tenantry_server_up{server=\"pg1\"} 1.0"), "pg1 answers");
        assertTrue(scrape.contains("tenantry_tenants{status=\"failed\"} 0.0"), "every status has its series");
        ExportedMetrics.assertListed("tenant-provisioner",
                () -> given().get("/q/metrics").then().statusCode(200).extract().asString());
    }

    @Test
    void aStoppedServerIsDownUntilItAnswersAgain() throws Exception {
        int stopped = 1;
        assumeTrue(TenantryTestServers.servers().canRestartPostgres(stopped), "only embedded servers are restarted");
        TenantryTestServers.servers().stopPostgres(stopped);
        try {
            serversUp.probe();
            String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
            assertTrue(scrape.contains("tenantry_server_up{server=\"pg1\"} 0.0"), "pg1 is stopped");
            assertTrue(scrape.contains("tenantry_server_up{server=\"pg0\"} 1.0"), "pg0 still answers");
        } finally {
            TenantryTestServers.servers().startPostgres(stopped);
            PostgresFaults.awaitAccepting(TenantryTestServers.servers().postgres(stopped), Duration.ofSeconds(30));
        }
        serversUp.probe();
        assertTrue(given().get("/q/metrics").asString().contains("tenantry_server_up{server=\"pg1\"} 1.0"),
                "pg1 answers again");
    }

    private static double gauge(String name) {
        String scrape = given().get("/q/metrics").then().statusCode(200).extract().asString();
        return scrape.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
                .findFirst().orElseThrow(() -> new AssertionError(name + " is not exported"));
    }
}
