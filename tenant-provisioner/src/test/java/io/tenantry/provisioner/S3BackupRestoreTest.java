package io.tenantry.provisioner;

import static io.restassured.RestAssured.given;
import static io.tenantry.provisioner.BackupRestoreTest.count;
import static io.tenantry.provisioner.BackupRestoreTest.restore;
import static io.tenantry.provisioner.BackupRestoreTest.tenant;
import static io.tenantry.provisioner.BackupRestoreTest.writeJobWithResults;
import static io.tenantry.provisioner.ProvisionerTestSupport.newOrganization;
import static io.tenantry.provisioner.ProvisionerTestSupport.queryString;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import io.tenantry.provisioner.backup.BackupPolicy;
import io.tenantry.provisioner.backup.BackupReason;
import io.tenantry.provisioner.backup.BackupView;
import io.tenantry.provisioner.backup.Backups;
import io.tenantry.provisioner.backup.S3ProxyServer;
import io.tenantry.provisioner.reconcile.Reconciler;
import io.tenantry.provisioner.registry.TenantRegistry;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.testing.TenantryTestServers;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/** Backups into an S3-compatible bucket, verified, restored and pruned there, through the running provisioner. */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = ProvisionerTestSupport.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.PROVISIONER_ROLE)})
@WithTestResource(S3ProxyServer.class)
class S3BackupRestoreTest {

    private static final String ADMIN = Jwt.subject("user:admin").groups(Set.of("user", "platform-admin")).sign();

    S3ProxyServer s3proxy;

    @Inject
    Reconciler reconciler;

    @Inject
    Backups backups;

    @Inject
    TenantRegistry registry;

    @Test
    void aBackupLandsUnderItsTenantsKeysAndIsVerifiedRestoredAndPrunedFromTheBucket() throws Exception {
        String orgId = liveTenant();
        for (int i = 0; i < 3; i++) {
            try (Connection c = tenant(orgId)) {
                writeJobWithResults(c, 2);
            }
        }
        BackupView first = take(orgId);
        String folder = S3ProxyServer.PREFIX + "/" + orgId + "/" + first.id() + "/";
        assertEquals("s3://" + S3ProxyServer.BUCKET + "/" + folder,
                queryString("SELECT location FROM provisioner.backups WHERE id = ?::uuid", first.id().toString()));
        List<String> keys = s3proxy.keysUnder(folder);
        assertTrue(keys.contains(folder + "manifest.json") && keys.contains(folder + "docking_results.copy.gz"),
                keys.toString());
        assertTrue(s3proxy.keysUnder("").stream().allMatch(k -> k.startsWith(S3ProxyServer.PREFIX + "/")));
        given().auth().oauth2(ADMIN).post("/api/v1/tenants/" + orgId + "/backups/" + first.id() + "/verify")
                .then().statusCode(200).body("intact", equalTo(true));

        try (Connection c = tenant(orgId)) {
            writeJobWithResults(c, 2);
        }
        BackupRestoreTest.RestoreRun run = restore(orgId, first.id());
        assertEquals("done", run.step(), run.error());
        try (Connection c = tenant(orgId); Statement s = c.createStatement()) {
            assertEquals(3, count(s, "SELECT count(*) FROM jobs"));
            assertEquals(6, count(s, "SELECT count(*) FROM docking_results"));
        }

        BackupView second = take(orgId);
        assertTrue(backups.verify(orgId, second.id()).intact());
        backups.setPolicy(orgId, new BackupPolicy(Duration.ZERO, 1), "test");
        backups.prune(orgId);
        assertEquals(List.of(), s3proxy.keysUnder(folder), "the pruned backup's objects are gone");
        assertTrue(s3proxy.keysUnder(S3ProxyServer.PREFIX + "/" + orgId + "/" + second.id() + "/")
                .contains(S3ProxyServer.PREFIX + "/" + orgId + "/" + second.id() + "/manifest.json"));
        assertTrue(s3proxy.keysUnder(S3ProxyServer.PREFIX + "/" + orgId + "/" + run.safetyBackupId() + "/").size() > 1,
                "the backup taken before the restore is kept");
    }

    @Test
    void aChangedObjectFailsVerification() throws Exception {
        String orgId = liveTenant();
        try (Connection c = tenant(orgId)) {
            writeJobWithResults(c, 4);
        }
        BackupView backup = take(orgId);
        String key = S3ProxyServer.PREFIX + "/" + orgId + "/" + backup.id() + "/docking_results.copy.gz";
        try (S3Client s3 = s3proxy.client()) {
            byte[] stored = s3.getObjectAsBytes(b -> b.bucket(S3ProxyServer.BUCKET).key(key)).asByteArray();
            stored[stored.length / 2] ^= (byte) 0xff;
            s3.putObject(b -> b.bucket(S3ProxyServer.BUCKET).key(key), RequestBody.fromBytes(stored));
        }
        given().auth().oauth2(ADMIN).post("/api/v1/tenants/" + orgId + "/backups/" + backup.id() + "/verify")
                .then().statusCode(200).body("intact", equalTo(false))
                .body("problems[0]", containsString("docking_results.copy.gz"));
    }

    private BackupView take(String orgId) throws Exception {
        BackupView backup = backups.take(registry.find(orgId).orElseThrow(), BackupReason.ON_DEMAND, "test");
        assertEquals("completed", backup.status());
        return backup;
    }

    private String liveTenant() throws SQLException {
        String orgId = newOrganization("eu-west");
        assertTrue(reconciler.reconcile(orgId));
        return orgId;
    }
}
