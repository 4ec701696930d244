package io.tenantry.provisioner;

import static io.restassured.RestAssured.given;
import static io.tenantry.provisioner.ProvisionerTestSupport.asTenant;
import static io.tenantry.provisioner.ProvisionerTestSupport.newOrganization;
import static io.tenantry.provisioner.ProvisionerTestSupport.queryString;
import static io.tenantry.provisioner.ProvisionerTestSupport.registry;
import static io.tenantry.provisioner.ProvisionerTestSupport.serverOf;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.smallrye.jwt.build.Jwt;
import io.tenantry.provisioner.backup.BackupReason;
import io.tenantry.provisioner.backup.BackupSchedule;
import io.tenantry.provisioner.backup.BackupView;
import io.tenantry.provisioner.backup.Backups;
import io.tenantry.provisioner.cli.DataCommands;
import io.tenantry.provisioner.downgrade.TenantDowngrades;
import io.tenantry.provisioner.reconcile.Reconciler;
import io.tenantry.provisioner.registry.TenantRegistry;
import io.tenantry.provisioner.tenant.TenantMigrations;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.schema.ResultsSchema;
import io.tenantry.servers.PostgresEndpoint;
import io.tenantry.testing.Eventually;
import io.tenantry.testing.TenantryTestServers;

/** Backups from one snapshot, verified and refused when damaged; restores in place and clones on real servers. */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = ProvisionerTestSupport.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.PROVISIONER_ROLE)})
class BackupRestoreTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String ADMIN = Jwt.subject("user:admin").groups(Set.of("user", "platform-admin")).sign();

    @Inject
    Reconciler reconciler;

    @Inject
    Backups backups;

    @Inject
    TenantRegistry registry;

    @Inject
    DataCommands commands;

    @Inject
    BackupSchedule schedule;

    @Inject
    TenantDowngrades downgrades;

    @Inject
    TenantMigrations tenantMigrations;

    @Test
    void aBackupTakenUnderConcurrentWritesHoldsOneInstant() throws Exception {
        String orgId = liveTenant();
        AtomicBoolean writing = new AtomicBoolean(true);
        AtomicInteger committed = new AtomicInteger();
        Thread writer = new Thread(() -> {
            try (Connection c = tenant(orgId)) {
                while (writing.get()) {
                    writeJobWithResults(c, 3);
                    committed.incrementAndGet();
                }
            } catch (SQLException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();
        Eventually.within(Duration.ofSeconds(10), "the writer has written", () -> committed.get() > 20);
        BackupView backup = backups.take(registry.find(orgId).orElseThrow(), BackupReason.ON_DEMAND, "test");
        int afterBackup = committed.get();
        writing.set(false);
        writer.join();

        assertEquals("completed", backup.status());
        assertTrue(backup.rows() > 0);
        String clone = liveTenant();
        RestoreRun run = cloneInto(clone, orgId, backup.id());
        assertEquals("done", run.step(), run.error());
        try (Connection c = tenant(clone); Statement s = c.createStatement()) {
            long jobs = count(s, "SELECT count(*) FROM jobs");
            assertTrue(jobs > 0 && jobs <= afterBackup, jobs + " jobs restored, " + afterBackup + " written by then");
            assertEquals(0, count(s, """
                    SELECT count(*) FROM jobs j
                     WHERE (SELECT count(*) FROM docking_results d WHERE d.job_id = j.id) <> 3
                        OR (SELECT count(*) FROM job_events e WHERE e.job_id = j.id) <> 1"""),
                    "every job arrives with exactly the results and event written in its transaction");
            assertEquals(jobs * 3, count(s, "SELECT count(*) FROM docking_results"));
            assertEquals(jobs, count(s, "SELECT count(*) FROM job_events"));
            // The identity sequences continue past the restored rows.
            writeJobWithResults(c, 1);
        }
    }

    @Test
    void backupsAreTakenListedAndVerifiedOverRestAndADamagedOneIsRefused() throws Exception {
        String orgId = liveTenant();
        try (Connection c = tenant(orgId)) {
            writeJobWithResults(c, 5);
        }
        String id = given().auth().oauth2(ADMIN).post("/api/v1/tenants/" + orgId + "/backups")
                .then().statusCode(202).header("Location", containsString("/backups/"))
                .body("status", equalTo("running")).body("reason", equalTo("on-demand"))
                .extract().path("id");
        Eventually.within(Duration.ofSeconds(30), "the backup completes", () -> "completed".equals(
                given().auth().oauth2(ADMIN).get("/api/v1/tenants/" + orgId + "/backups/" + id).path("status")));
        given().auth().oauth2(ADMIN).get("/api/v1/tenants/" + orgId + "/backups/" + id).then().statusCode(200)
                .body("rows", equalTo(7)).body("tablesDone", equalTo(7)).body("schemaVersion", equalTo(
                        registry("schema_version", orgId)));
        given().auth().oauth2(ADMIN).get("/api/v1/tenants/" + orgId + "/backups").then().statusCode(200)
                .body("[0].id", equalTo(id));
        given().auth().oauth2(ADMIN).get("/api/v1/tenants/" + orgId).then().statusCode(200)
                .body("lastBackupAt", notNullValue()).body("maintenance", nullValue());
        given().auth().oauth2(ADMIN).post("/api/v1/tenants/" + orgId + "/backups/" + id + "/verify")
                .then().statusCode(200).body("intact", equalTo(true));

        Path folder = Path.of(queryString("SELECT location FROM provisioner.backups WHERE id = ?::uuid", id));
        assertTrue(folder.startsWith(Path.of("target/backups").toAbsolutePath().resolve(orgId)), folder.toString());
        flipAByte(folder.resolve("docking_results.copy.gz"));
        given().auth().oauth2(ADMIN).post("/api/v1/tenants/" + orgId + "/backups/" + id + "/verify")
                .then().statusCode(200).body("intact", equalTo(false))
                .body("problems[0]", containsString("docking_results.copy.gz"));
        // The loader checks every file before it commits: the restore fails while the tenant's own database serves.
        RestoreRun refused = restore(orgId, UUID.fromString(id));
        assertEquals("failed", refused.step());
        assertTrue(refused.error().contains("docking_results.copy.gz"), refused.error());
        assertNull(registry("maintenance", orgId));
        try (Connection c = tenant(orgId); Statement s = c.createStatement()) {
            assertEquals(1, count(s, "SELECT count(*) FROM jobs"));
        }
        assertFalse(ProvisionerTestSupport.exists(serverOf(orgId), "SELECT 1 FROM pg_database WHERE datname = ?",
                "results_" + orgId + "__restoring"));

        String other = liveTenant();
        given().auth().oauth2(ADMIN).get("/api/v1/tenants/" + other + "/backups/" + id).then().statusCode(404);
        given().auth().oauth2(ADMIN).contentType("application/json").body("{\"backupId\":\"" + id + "\"}")
                .post("/api/v1/tenants/" + other + "/restores").then().statusCode(404);
        String member = Jwt.subject("user:someone").groups(Set.of("user")).claim("org", orgId).sign();
        given().auth().oauth2(member).post("/api/v1/tenants/" + orgId + "/backups").then().statusCode(403);
        // Only platform administrators reach a tenant's data operations, even an organization's own members.
        given().auth().oauth2(member).contentType("application/json").body("{\"backupId\":\"" + id + "\"}")
                .post("/api/v1/tenants/" + orgId + "/restores").then().statusCode(403);
        given().auth().oauth2(member).contentType("application/json")
                .body("{\"sourceOrgId\":\"" + orgId + "\",\"backupId\":\"" + id + "\"}")
                .post("/api/v1/tenants/" + other + "/clones").then().statusCode(403);
        given().auth().oauth2(member).get("/api/v1/tenants/" + orgId + "/backups").then().statusCode(403);
        given().get("/api/v1/tenants/" + orgId + "/backups").then().statusCode(401);
        given().auth().oauth2(ADMIN).contentType("application/json").body("{}")
                .post("/api/v1/tenants/" + orgId + "/restores").then().statusCode(400)
                .contentType("application/problem+json");
        given().auth().oauth2(ADMIN).contentType("application/json").body("{\"backupId\":\"not-a-uuid\"}")
                .post("/api/v1/tenants/" + orgId + "/restores").then().statusCode(400)
                .contentType("application/problem+json");
        given().auth().oauth2(ADMIN).get("/api/v1/tenants/" + orgId + "/backups?limit=0").then().statusCode(400)
                .contentType("application/problem+json");
        given().auth().oauth2(ADMIN).contentType("application/json")
                .body("{\"sourceOrgId\":\"" + orgId + "\",\"backupId\":\"" + id + "\"}")
                .post("/api/v1/tenants/" + orgId + "/clones").then().statusCode(400)
                .contentType("application/problem+json");
        given().auth().oauth2(ADMIN).post("/api/v1/tenants/no_such_org/backups").then().statusCode(404);
        given().auth().oauth2(ADMIN).post("/api/v1/tenants/Bad-Id/backups").then().statusCode(400);
    }

    @Test
    void aBackupOfAnotherBuildsSchemaOrOfAnotherOrganizationIsRefusedAndNothingChanges() throws Exception {
        String orgId = liveTenant();
        BackupView backup = backups.take(registry.find(orgId).orElseThrow(), BackupReason.ON_DEMAND, "test");
        Path folder = Path.of(backup.location());

        // A manifest whose newest migration has other contents than this build's (a backup of another build),
        // recorded with its own checksum so it is not simply damaged.
        ObjectNode manifest = (ObjectNode) JSON.readTree(folder.resolve("manifest.json").toFile());
        ObjectNode newest = (ObjectNode) manifest.get("migrations").get(manifest.get("migrations").size() - 1);
        newest.put("checksum", newest.get("checksum").asInt() + 1);
        byte[] rewritten = JSON.writeValueAsBytes(manifest);
        Files.write(folder.resolve("manifest.json"), rewritten);
        ProvisionerTestSupport.execute("UPDATE provisioner.backups SET manifest_sha256 = ? WHERE id = ?::uuid",
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(rewritten)),
                backup.id().toString());
        given().auth().oauth2(ADMIN).contentType("application/json").body("{\"backupId\":\"" + backup.id() + "\"}")
                .post("/api/v1/tenants/" + orgId + "/restores")
                .then().statusCode(422).body("detail", containsString("this build does not have"));

        // Another organization's backup placed in this one's space, under a record of this organization.
        String other = liveTenant();
        BackupView theirs = backups.take(registry.find(other).orElseThrow(), BackupReason.ON_DEMAND, "test");
        UUID planted = UUID.randomUUID();
        Path plantedFolder = Files.createDirectories(folder.getParent().resolve(planted.toString()));
        try (var files = Files.list(Path.of(theirs.location()))) {
            for (Path file : files.toList()) {
                Files.copy(file, plantedFolder.resolve(file.getFileName()));
            }
        }
        ProvisionerTestSupport.execute("""
                INSERT INTO provisioner.backups (id, org_id, reason, status, server, location, requested_by,
                                                 manifest_sha256, finished_at)
                SELECT ?::uuid, ?, reason, status, server, ?, requested_by, manifest_sha256, now()
                  FROM provisioner.backups WHERE id = ?::uuid""", planted.toString(), orgId, plantedFolder.toString(),
                theirs.id().toString());
        given().auth().oauth2(ADMIN).contentType("application/json").body("{\"backupId\":\"" + planted + "\"}")
                .post("/api/v1/tenants/" + orgId + "/restores")
                .then().statusCode(422).body("detail", containsString("names backup " + theirs.id()));
        assertEquals("0", queryString("SELECT count(*)::text FROM provisioner.restores WHERE org_id = ?", orgId));
        assertNull(registry("maintenance", orgId));
    }

    @Test
    void aRestoreInPlaceBringsBackTheBackedUpStateAndKeepsASafetyBackupOfWhatWasThere() throws Exception {
        String orgId = liveTenant();
        try (Connection c = tenant(orgId)) {
            for (int i = 0; i < 4; i++) {
                writeJobWithResults(c, 2);
            }
        }
        BackupView backup = backups.take(registry.find(orgId).orElseThrow(), BackupReason.ON_DEMAND, "test");
        try (Connection c = tenant(orgId)) {
            writeJobWithResults(c, 2);
        }
        ConcurrentHashMap<Long, Boolean> seen = new ConcurrentHashMap<>();
        AtomicBoolean reading = new AtomicBoolean(true);
        Thread reader = new Thread(() -> {
            while (reading.get()) {
                try (Connection c = tenant(orgId); Statement s = c.createStatement()) {
                    seen.put(count(s, "SELECT count(*) FROM jobs"), true);
                } catch (SQLException e) {
                    // Refused or ended during the swap: never a partial read.
                }
            }
        });
        reader.start();
        RestoreRun run = restore(orgId, backup.id());
        reading.set(false);
        reader.join();

        assertEquals("done", run.step(), run.error());
        assertEquals(Set.of(4L, 5L), union(seen.keySet(), Set.of(4L, 5L)), "readers saw only whole states: " + seen);
        try (Connection c = tenant(orgId); Statement s = c.createStatement()) {
            assertEquals(4, count(s, "SELECT count(*) FROM jobs"));
            assertEquals(8, count(s, "SELECT count(*) FROM docking_results"));
            writeJobWithResults(c, 1);
        }
        assertNull(registry("maintenance", orgId));
        assertEquals(registry("schema_version", orgId), backup.schemaVersion());
        PostgresEndpoint server = serverOf(orgId);
        assertFalse(ProvisionerTestSupport.exists(server, "SELECT 1 FROM pg_database WHERE datname = ?",
                "results_" + orgId + "__replaced"));
        assertFalse(ProvisionerTestSupport.exists(server, "SELECT 1 FROM pg_database WHERE datname = ?",
                "results_" + orgId + "__restoring"));
        BackupView safety = backups.get(orgId, UUID.fromString(run.safetyBackupId()));
        assertEquals("before-restore", safety.reason());
        assertEquals(5 * (1 + 2 + 1), safety.rows(), "the safety backup holds the state the restore replaced");
        assertEquals("1", queryString("SELECT count(*)::text FROM audit_log WHERE org_id = ? AND action = 'tenant.restore'",
                orgId));
    }

    @Test
    void aBackupOfAnOlderSchemaIsRestoredAndMigratedToTheFleetsVersionBeforeItOpens() throws Exception {
        String orgId = liveTenant();
        try (Connection c = tenant(orgId)) {
            writeJobWithResults(c, 2);
        }
        downgrades.downgrade(orgId, "2", "test");
        BackupView old = backups.take(registry.find(orgId).orElseThrow(), BackupReason.ON_DEMAND, "test");
        assertEquals("2", old.schemaVersion());
        ProvisionerTestSupport.migrate(tenantMigrations, orgId, List.of(ResultsSchema.LOCATION), null);

        RestoreRun run = restore(orgId, old.id());
        assertEquals("done", run.step(), run.error());
        assertEquals(ResultsSchema.NEWEST_VERSION, registry("schema_version", orgId));
        try (Connection c = tenant(orgId); Statement s = c.createStatement()) {
            assertEquals(1, count(s, "SELECT count(*) FROM jobs"));
            assertEquals(0, count(s, "SELECT count(*) FROM idempotency_keys"), "version 3's table is back, empty");
        }
    }

    @Test
    void aCloneIsItsOwnTenantWithItsOwnRole() throws Exception {
        String source = liveTenant();
        try (Connection c = tenant(source)) {
            writeJobWithResults(c, 2);
        }
        BackupView backup = backups.take(registry.find(source).orElseThrow(), BackupReason.ON_DEMAND, "test");
        String clone = liveTenant();
        RestoreRun run = cloneInto(clone, source, backup.id());
        assertEquals("done", run.step(), run.error());
        try (Connection c = tenant(clone); Statement s = c.createStatement()) {
            assertEquals(1, count(s, "SELECT count(*) FROM jobs"));
            writeJobWithResults(c, 1);
        }
        try (Connection c = tenant(source); Statement s = c.createStatement()) {
            assertEquals(1, count(s, "SELECT count(*) FROM jobs"), "the source is untouched by its clone's writes");
        }
        PostgresEndpoint cloneServer = serverOf(clone);
        assertThrows(SQLException.class, () -> asTenant(source, cloneServer, "results_" + clone).close());
        PostgresEndpoint sourceServer = serverOf(source);
        assertThrows(SQLException.class, () -> asTenant(clone, sourceServer, "results_" + source).close());

        given().auth().oauth2(ADMIN).contentType("application/json")
                .body("{\"sourceOrgId\":\"" + source + "\",\"backupId\":\"" + backup.id() + "\"}")
                .post("/api/v1/tenants/" + clone + "/clones")
                .then().statusCode(409).body("detail", containsString("already holds jobs"));
    }

    @Test
    void theScheduleBacksUpDueTenantsAndRetentionKeepsTheNewestAndTheNewestVerified() throws Exception {
        String orgId = liveTenant();
        // Every other tenant on the shared servers is taken off the schedule, so this pass sees only this one.
        ProvisionerTestSupport.execute("""
                INSERT INTO provisioner.backup_policies (org_id, interval_seconds, retain)
                SELECT org_id, 0, 7 FROM provisioner.tenants WHERE org_id <> ?
                ON CONFLICT (org_id) DO UPDATE SET interval_seconds = 0""", orgId);
        given().auth().oauth2(ADMIN).contentType("application/json").body("{\"intervalSeconds\":3600,\"retain\":2}")
                .put("/api/v1/tenants/" + orgId + "/backup-policy").then().statusCode(200).body("retain", equalTo(2));
        assertEquals(1, schedule.runDue(), "a tenant without a backup is due");
        assertEquals(0, schedule.runDue(), "one backed up within the hour is not");

        var tenant = registry.find(orgId).orElseThrow();
        UUID oldestVerified = backups.list(orgId, null, null).get(0).id();
        backups.verify(orgId, oldestVerified);
        for (int i = 0; i < 3; i++) {
            backups.take(tenant, BackupReason.ON_DEMAND, "test");
        }
        UUID beforeRestore = backups.take(tenant, BackupReason.BEFORE_RESTORE, "test").id();
        backups.prune(orgId);
        List<BackupView> kept = backups.list(orgId, null, null);
        assertEquals(4, kept.size(), "the newest two routine ones, the newest verified one, the safety backup: " + kept);
        assertTrue(kept.stream().anyMatch(b -> b.id().equals(oldestVerified)));
        assertTrue(kept.stream().anyMatch(b -> b.id().equals(beforeRestore)));
        given().auth().oauth2(ADMIN).contentType("application/json").body("{\"intervalSeconds\":-1,\"retain\":2}")
                .put("/api/v1/tenants/" + orgId + "/backup-policy").then().statusCode(400);
    }

    @Test
    void theCommandLineBacksUpVerifiesAndRefusesWhatItDoesNotUnderstand() throws Exception {
        String orgId = liveTenant();
        Run backup = command("backup", orgId);
        assertEquals(0, backup.exitCode(), backup.err());
        assertTrue(backup.out().contains("\"status\" : \"completed\""), backup.out());
        String id = queryString("SELECT id::text FROM provisioner.backups WHERE org_id = ?", orgId);
        Run verify = command("verify", id);
        assertEquals(0, verify.exitCode(), verify.err());
        assertTrue(verify.out().contains("\"intact\" : true"), verify.out());
        assertTrue(command("history", orgId).out().contains(id));
        Run flagged = command("backup", orgId, "--force");
        assertEquals(2, flagged.exitCode());
        assertTrue(flagged.err().contains("usage"), flagged.err());
        assertEquals(1, command("backup", "no_such_org").exitCode());
    }

    record Run(int exitCode, String out, String err) {
    }

    private Run command(String... args) throws Exception {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        Integer exit = commands.run(args, new java.io.PrintStream(out, true), new java.io.PrintStream(err, true));
        return new Run(exit, out.toString(), err.toString());
    }

    private String liveTenant() throws SQLException {
        String orgId = newOrganization("eu-west");
        assertTrue(reconciler.reconcile(orgId));
        return orgId;
    }

    static Connection tenant(String orgId) throws SQLException {
        return asTenant(orgId, serverOf(orgId), "results_" + orgId);
    }

    /** A job with its docking results and one event, in one transaction, as results-service writes them. */
    static void writeJobWithResults(Connection c, int results) throws SQLException {
        c.setAutoCommit(false);
        UUID job = UUID.randomUUID();
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO jobs (id, template_id, template_name, template_version, steps, inputs, status,
                                  submitted_by, created_at, updated_at)
                VALUES (?, gen_random_uuid(), 'standard-docking', 1, '[]', '{}', 'queued', 'user:x', now(), now())""")) {
            s.setObject(1, job);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("""
                INSERT INTO docking_results (job_id, molecule_id, score, rank, poses, created_at)
                VALUES (?, gen_random_uuid(), random() * -10, 1, '[{"x": 1}]', now())""")) {
            for (int i = 0; i < results; i++) {
                s.setObject(1, job);
                s.addBatch();
            }
            s.executeBatch();
        }
        try (PreparedStatement s = c.prepareStatement(
                "INSERT INTO job_events (job_id, occurred_at, kind, message) VALUES (?, now(), 'submitted', 'hi')")) {
            s.setObject(1, job);
            s.executeUpdate();
        }
        c.commit();
        c.setAutoCommit(true);
    }

    record RestoreRun(String step, String error, String safetyBackupId) {
    }

    static RestoreRun restore(String orgId, UUID backupId) {
        String id = given().auth().oauth2(ADMIN).contentType("application/json")
                .body("{\"backupId\":\"" + backupId + "\"}").post("/api/v1/tenants/" + orgId + "/restores")
                .then().statusCode(202).extract().path("id");
        return awaitRestore(orgId, id);
    }

    private static RestoreRun cloneInto(String orgId, String source, UUID backupId) {
        String id = given().auth().oauth2(ADMIN).contentType("application/json")
                .body("{\"sourceOrgId\":\"" + source + "\",\"backupId\":\"" + backupId + "\"}")
                .post("/api/v1/tenants/" + orgId + "/clones")
                .then().statusCode(202).extract().path("id");
        return awaitRestore(orgId, id);
    }

    private static RestoreRun awaitRestore(String orgId, String id) {
        List<RestoreRun> last = new ArrayList<>(List.of(new RestoreRun(null, null, null)));
        Eventually.within(Duration.ofSeconds(60), "the restore ends", () -> {
            var body = given().auth().oauth2(ADMIN).get("/api/v1/tenants/" + orgId + "/restores/" + id)
                    .then().statusCode(200).extract();
            last.set(0, new RestoreRun(body.path("step"), body.path("error"), body.path("safetyBackupId")));
            return "done".equals(last.get(0).step()) || "failed".equals(last.get(0).step());
        });
        return last.get(0);
    }

    static long count(Statement s, String sql) throws SQLException {
        try (ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static Set<Long> union(Set<Long> a, Set<Long> b) {
        Set<Long> all = new java.util.HashSet<>(a);
        all.addAll(b);
        return all;
    }

    private static void flipAByte(Path file) throws IOException {
        assertTrue(Files.size(file) > 40);
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.seek(30);
            int b = f.read();
            f.seek(30);
            f.write(b ^ 0xff);
        }
    }
}
