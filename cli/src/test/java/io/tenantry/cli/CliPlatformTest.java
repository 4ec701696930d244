package io.tenantry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.tenantry.devlauncher.LocalPlatform;
import io.tenantry.devlauncher.TestPlatform;

/**
 * The CLI against the real platform: embedded PostgreSQL and Redis, and the three services started from their built
 * jars as {@code ./run.sh} starts them (dev-launcher's {@link TestPlatform}), but on its ports plus 100 (8181 to 8183),
 * so a {@code ./run.sh} platform or dev-launcher's test platform may run beside it. One platform for the class; the
 * tests build on each other in order, as an operator's session would.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CliPlatformTest {

    private static final String ADMIN = "admin@cli.local";
    private static final String ORG = "cli_org";
    private static final int PORT_OFFSET = 100;
    private static final String METADATA = "http://localhost:" + (LocalPlatform.METADATA_PORT + PORT_OFFSET);
    private static final String PROVISIONER = "http://localhost:" + (LocalPlatform.PROVISIONER_PORT + PORT_OFFSET);

    private String adminPassword;
    private Path config;
    private Cli cli;
    private TestPlatform platform;

    @BeforeAll
    void startPlatform() throws Exception {
        config = Files.createTempDirectory("tenantry-cli-test").resolve("config");
        cli = new Cli(config);
        platform = TestPlatform.start(PORT_OFFSET, ADMIN);
        adminPassword = platform.adminPassword();
    }

    @AfterAll
    void stopPlatform() {
        if (platform != null) {
            platform.close();
        }
    }

    @Test
    @Order(1)
    void aWrongPasswordIsNotAuthenticated() {
        Cli.Result result = cli.run("login", "--email", ADMIN, "--password=wrong-password", "--metadata-url", METADATA);
        assertEquals(3, result.exitCode(), result.toString());
        assertTrue(result.err().startsWith("tenantry: ") && result.err().strip().lines().count() == 1, result.toString());
        assertFalse(Files.exists(config.resolve(Session.FILE)));
    }

    @Test
    @Order(2)
    void loginKeepsTheTokenReadableByItsOwnerAlone() throws IOException {
        Cli.Result result = cli.run("login", "--email", ADMIN, "--password=" + adminPassword, "--metadata-url", METADATA,
                "--provisioner-url", PROVISIONER);
        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().startsWith("Logged in to " + METADATA + " as " + ADMIN), result.toString());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config.resolve(Session.FILE))));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(config)));
        assertFalse(Files.readString(config.resolve(Session.FILE)).contains(adminPassword), "no password is kept");
    }

    @Test
    @Order(3)
    void onboardingCreatesTheLeadAndTheOrganizationAndWaitsUntilItsTenantIsActive() {
        Cli.Result result = cli.run("orgs", "onboard", ORG, "--name", "CLI Org", "--lead", "lead@cli.local",
                "--wait", "--output", "json");
        assertEquals(0, result.exitCode(), result.toString());
        JsonNode org = json(result);
        assertEquals(ORG, org.get("orgId").asText());
        assertEquals("active", org.get("status").asText(), result.toString());

        Cli.Result again = cli.run("orgs", "onboard", ORG, "--name", "CLI Org", "--lead", "lead@cli.local");
        assertEquals(5, again.exitCode(), again.toString());
        assertTrue(again.err().contains("(409, POST /api/v1/orgs)"), again.toString());

        Cli.Result second = cli.run("orgs", "onboard", ORG + "_2", "--name", "CLI Org 2", "--lead", "lead@cli.local",
                "--wait");
        assertEquals(0, second.exitCode(), second.toString());
        assertEquals("Onboarded " + ORG + "_2 (lead@cli.local is its admin): active.\n", second.out(),
                "the lead's account was there already");
    }

    @Test
    @Order(4)
    void tenantsAreListedAndShownWithTheirDatabase() {
        Cli.Result list = cli.run("tenants", "list", "-o", "json", "--page-size", "1");
        assertEquals(0, list.exitCode(), list.toString());
        JsonNode tenant = null;
        for (JsonNode row : json(list)) {
            if (row.get("orgId").asText().equals(ORG)) {
                tenant = row.get("tenant");
            }
        }
        assertTrue(tenant != null && tenant.get("server").isTextual(), list.toString());
        assertEquals(2, json(list).size(), "both organizations, one page each: " + list);
        assertEquals("active", tenant.get("status").asText());

        String server = tenant.get("server").asText();
        Cli.Result table = cli.run("tenants", "list");
        assertTrue(table.out().lines().anyMatch(line -> line.startsWith(ORG + " ") && line.contains("active")
                && line.contains(server)), table.toString());

        Cli.Result show = cli.run("tenants", "show", ORG, "--output=json");
        assertEquals(0, show.exitCode(), show.toString());
        assertEquals("results_" + ORG, json(show).get("tenant").get("database").asText());
        Cli.Result shown = cli.run("tenants", "show", ORG);
        assertTrue(shown.out().contains("database") && shown.out().contains("results_" + ORG), shown.toString());

        Cli.Result health = cli.run("tenants", "health", ORG, "--collect", "-o", "json");
        String state = json(health).get("state").asText();
        assertEquals(state.equals("healthy") ? 0 : 1, health.exitCode(), health.toString());
        long bytes = json(health).get("measures").get("databaseBytes").asLong();
        assertTrue(bytes > 0, health.toString());
        JsonNode listed = null;
        for (JsonNode row : json(cli.run("tenants", "list", "-o", "json"))) {
            if (row.get("orgId").asText().equals(ORG)) {
                listed = row.get("tenant");
            }
        }
        assertEquals(state, listed.get("health").asText(), "the list shows the collection's state");
        assertEquals(bytes, listed.get("databaseBytes").asLong());
        Cli.Result fleet = cli.run("health", "-o", "json");
        assertEquals(0, fleet.exitCode(), fleet.toString());
        assertTrue(json(fleet).get("largest").findValuesAsText("orgId").contains(ORG), fleet.toString());
        Cli.Result fleetTable = cli.run("health");
        assertTrue(fleetTable.out().startsWith("Tenants: ") && fleetTable.out().contains("largest:"), fleetTable.toString());
    }

    @Test
    @Order(5)
    void anUnknownOrganizationIsNotFound() {
        Cli.Result result = cli.run("tenants", "show", "no_such_org");
        assertEquals(4, result.exitCode(), result.toString());
        assertTrue(result.err().contains("404"), result.toString());
        assertEquals(4, cli.run("backups", "list", "no_such_org").exitCode());
    }

    @Test
    @Order(6)
    void suspendAndResumeGoThroughMetadataService() {
        Cli.Result suspended = cli.run("tenants", "suspend", ORG, "--wait", "-o", "json");
        assertEquals(0, suspended.exitCode(), suspended.toString());
        assertEquals("suspended", json(suspended).get("status").asText());
        Cli.Result resumed = cli.run("tenants", "resume", ORG, "--wait");
        assertEquals(0, resumed.exitCode(), resumed.toString());
        assertEquals(ORG + ": status active, desired active.\n", resumed.out());
    }

    @Test
    @Order(7)
    void aRolloutIsFollowedToItsEndAndThenListedShownAndNoLongerPausable() {
        Cli.Result followed = cli.run("rollouts", "start", "--verify", "--canary", "0", "--follow", "--interval", "0.2");
        assertEquals(0, followed.exitCode(), followed.toString());
        List<String> lines = followed.out().lines().toList();
        assertTrue(lines.get(0).startsWith("Rollout ") && lines.get(0).contains(" started over "), followed.toString());
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("succeeded [##############################] 2/2 done, 0 failed, 0 remaining"),
                followed.toString());
        String id = lines.get(0).split(" ")[1];

        Cli.Result list = cli.run("rollouts", "list", "-o", "json");
        assertEquals(id, json(list).get(0).get("id").asText(), list.toString());
        Cli.Result show = cli.run("rollouts", "show", id, "-o", "json");
        assertEquals("succeeded", json(show).get("status").asText(), show.toString());
        Cli.Result pause = cli.run("rollouts", "pause", id);
        assertEquals(5, pause.exitCode(), pause.toString());
        assertTrue(pause.err().contains("is succeeded; only a running rollout can be paused"), pause.toString());
    }

    @Test
    @Order(8)
    void anExpiredTokenThatCannotBeRenewedHereAsksForALogin() throws IOException {
        Path file = config.resolve(Session.FILE);
        String saved = Files.readString(file);
        ObjectNode session = (ObjectNode) PlatformClient.JSON.readTree(saved);
        session.put("expiresAt", 0);
        Files.writeString(file, session.toString());
        Cli.Result result = cli.run("tenants", "list");
        assertEquals(3, result.exitCode(), result.toString());
        assertTrue(result.err().contains("expired"), result.toString());
        Files.writeString(file, saved);
    }

    @Test
    @Order(9)
    void logoutForgetsTheToken() {
        assertEquals(0, cli.run("logout").exitCode());
        assertFalse(Files.exists(config.resolve(Session.FILE)));
        assertEquals(3, cli.run("servers", "list").exitCode());
    }

    @Test
    @Order(10)
    void aBackupIsTakenAndRestoredFollowingBothToTheirEndAndTheRestoreIsListedDone() {
        assertEquals(0, cli.run("login", "--email", ADMIN, "--password=" + adminPassword, "--metadata-url", METADATA,
                "--provisioner-url", PROVISIONER).exitCode());
        Cli.Result backup = cli.run("backups", "create", ORG, "--wait", "--interval", "0.2");
        assertEquals(0, backup.exitCode(), backup.toString());
        List<String> backupLines = backup.out().lines().toList();
        String backupId = backupLines.get(0).split(" ")[1];
        assertEquals("Backup " + backupId + " of " + ORG + " started.", backupLines.get(0), backup.toString());
        assertTrue(backupLines.get(backupLines.size() - 1).startsWith("Backup " + backupId + " of " + ORG + " completed: "),
                backup.toString());
        assertEquals("completed", json(cli.run("backups", "show", ORG, backupId, "-o", "json")).get("status").asText());

        Cli.Result restore = cli.run("restore", ORG, "--backup", backupId, "--wait", "--interval", "0.2");
        assertEquals(0, restore.exitCode(), restore.toString());
        List<String> lines = restore.out().lines().toList();
        String restoreId = lines.get(0).split(" ")[1];
        assertEquals("Restore " + restoreId + " of " + ORG + " from " + backupId + ": started.", lines.get(0));
        assertTrue(lines.stream().anyMatch(line -> line.matches("done +\\d+/\\d+ rows loaded")), restore.toString());
        String last = lines.get(lines.size() - 1);
        assertTrue(last.startsWith("Restore " + restoreId + " of " + ORG + " from " + backupId
                + ": done; what it replaced is safety backup "), restore.toString());
        String safetyBackupId = last.substring(last.lastIndexOf(' ') + 1, last.length() - 1);

        JsonNode listed = json(cli.run("restores", "list", ORG, "-o", "json")).get(0);
        assertEquals(restoreId, listed.get("id").asText());
        assertEquals("done", listed.get("step").asText());
        assertEquals(listed.get("rowsTotal").asLong(), listed.get("rowsLoaded").asLong());
        Cli.Result table = cli.run("restores", "list", ORG);
        assertTrue(table.out().startsWith("ID ") && table.out().lines().anyMatch(line -> line.startsWith(restoreId + " ")
                && line.contains(" done ")), table.toString());
        Cli.Result shown = cli.run("restores", "show", ORG, restoreId);
        assertTrue(shown.out().lines().anyMatch(line -> line.matches("step +done")), shown.toString());
        assertEquals(safetyBackupId, json(cli.run("restores", "show", ORG, restoreId, "-o", "json")).get("safetyBackupId")
                .asText());

        Cli.Result unknown = cli.run("restores", "show", ORG, UUID.randomUUID().toString());
        assertEquals(4, unknown.exitCode(), unknown.toString());
        Cli.Result noSuchBackup = cli.run("restore", ORG, "--backup", UUID.randomUUID().toString(), "--wait");
        assertEquals(4, noSuchBackup.exitCode(), noSuchBackup.toString());
        assertTrue(noSuchBackup.err().contains("(404, POST /api/v1/tenants/" + ORG + "/restores)"), noSuchBackup.toString());

        JsonNode backups = json(cli.run("backups", "list", ORG, "--limit", "0", "-o", "json"));
        List<String> ids = ids(backups);
        assertTrue(ids.contains(backupId) && ids.contains(safetyBackupId), "with the restore's safety backup: " + backups);
        assertEquals(ids, ids(json(cli.run("backups", "list", ORG, "--limit", "0", "--page-size", "1", "-o", "json"))),
                "a page a backup, paged back by startedAt");
        assertEquals(ids.subList(0, 2), ids(json(cli.run("backups", "list", ORG, "--limit", "2", "--page-size", "1",
                "-o", "json"))));

        Cli.Result clone = cli.run("clone", ORG + "_2", "--from", ORG, "--backup", backupId, "--wait", "--interval", "0.2",
                "-o", "json");
        assertEquals(0, clone.exitCode(), clone.toString());
        assertEquals("done", json(clone).get("step").asText(), "JSON: the clone's last view alone");
    }

    @Test
    @Order(11)
    void aBackupPolicyIsSetShownAndBadValuesAreRefused() {
        Cli.Result initial = cli.run("backups", "policy", "show", ORG, "-o", "json");
        assertEquals(0, initial.exitCode(), initial.toString());
        assertTrue(json(initial).get("retain").asInt() >= 1, initial.toString());

        Cli.Result set = cli.run("backups", "policy", "set", ORG, "--interval-seconds", "43200", "--retain", "14");
        assertEquals(0, set.exitCode(), set.toString());
        assertEquals("interval  43200 s (12h00m)\nretain    14\n", set.out());
        Cli.Result retainOnly = cli.run("backups", "policy", "set", ORG, "--retain", "3", "-o", "json");
        assertEquals(0, retainOnly.exitCode(), retainOnly.toString());
        assertEquals(43200, json(retainOnly).get("intervalSeconds").asLong(), "the interval is kept");
        assertEquals(3, json(retainOnly).get("retain").asInt());
        Cli.Result off = cli.run("backups", "policy", "set", ORG, "--interval-seconds", "0");
        assertEquals("interval  0 (no scheduled backups)\nretain    3\n", off.out(), off.toString());
        assertEquals(off.out(), cli.run("backups", "policy", "show", ORG).out());

        Cli.Result none = cli.run("backups", "policy", "set", ORG, "--retain", "0");
        assertEquals(5, none.exitCode(), none.toString());
        assertTrue(none.err().contains("(400, PUT /api/v1/tenants/" + ORG + "/backup-policy)"), none.toString());
        Cli.Result negative = cli.run("backups", "policy", "set", ORG, "--interval-seconds", "-1", "--retain", "2");
        assertEquals(5, negative.exitCode(), negative.toString());
        assertEquals(4, cli.run("backups", "policy", "set", "no_such_org", "--interval-seconds", "60", "--retain", "2")
                .exitCode());
        assertEquals(3, json(cli.run("backups", "policy", "show", ORG, "-o", "json")).get("retain").asInt(),
                "a refused policy changes nothing");
    }

    @Test
    @Order(12)
    void aMoveIsFollowedToItsEndAndShown() {
        String from = json(cli.run("tenants", "show", ORG, "-o", "json")).get("tenant").get("server").asText();
        String to = null;
        for (JsonNode server : json(cli.run("servers", "list", "-o", "json"))) {
            if (!server.get("name").asText().equals(from)) {
                to = server.get("name").asText();
            }
        }
        Cli.Result move = cli.run("moves", "start", ORG, "--to-server", to, "--wait", "--interval", "0.2");
        assertEquals(0, move.exitCode(), move.toString());
        List<String> lines = move.out().lines().toList();
        String moveId = lines.get(0).split(" ")[1];
        assertEquals("Move " + moveId + " of " + ORG + " from " + from + " to " + to + ": done.",
                lines.get(lines.size() - 1), move.toString());
        Cli.Result shown = cli.run("moves", "show", ORG, moveId, "-o", "json");
        assertEquals("done", json(shown).get("step").asText(), shown.toString());
        assertEquals(to, json(cli.run("tenants", "show", ORG, "-o", "json")).get("tenant").get("server").asText());
    }

    @Test
    @Order(13)
    void theFleetIsSummedUpAndATenantsHealthHistoryListed() {
        Cli.Result summary = cli.run("tenants", "summary", "-o", "json");
        assertEquals(0, summary.exitCode(), "no tenant has failed: " + summary);
        assertEquals(2, json(summary).get("byStatus").get("active").asInt(), summary.toString());
        String server = json(cli.run("tenants", "show", ORG, "-o", "json")).get("tenant").get("server").asText();
        assertTrue(json(summary).get("byServer").get(server).asInt() >= 1, summary.toString());
        Cli.Result table = cli.run("tenants", "summary");
        assertTrue(table.out().startsWith("status   active 2"), table.toString());
        assertTrue(table.out().lines().anyMatch(line -> line.matches("schema   v\\d+ 2")), "both at one version: " + table);

        Cli.Result history = cli.run("tenants", "health-history", ORG, "-o", "json");
        assertEquals(0, history.exitCode(), history.toString());
        assertTrue(json(history).size() >= 1 && json(history).get(0).has("state"), "collected in order 4: " + history);
        Cli.Result historyTable = cli.run("tenants", "health-history", ORG, "--limit", "1");
        assertEquals(2, historyTable.out().lines().count(), historyTable.toString());
        assertTrue(historyTable.out().startsWith("COLLECTED "), historyTable.toString());
        Cli.Result badLimit = cli.run("tenants", "health-history", ORG, "--limit", "0");
        assertEquals(5, badLimit.exitCode(), badLimit.toString());
    }

    @Test
    @Order(14)
    void aTenantThatFailedIsRetried() {
        String failing = ORG + "_nowhere";
        Cli.Result onboarded = cli.run("orgs", "onboard", failing, "--name", "No server", "--lead", "lead@cli.local",
                "--region", "nowhere", "--wait", "--timeout", "60");
        assertEquals(1, onboarded.exitCode(), "no server in the region: " + onboarded);
        Cli.Result listed = cli.run("tenants", "list", "--status", "failed");
        assertTrue(listed.out().lines().anyMatch(line -> line.startsWith(failing + " ")), listed.toString());

        Cli.Result retried = cli.run("tenants", "retry", failing, "-o", "json");
        assertEquals(0, retried.exitCode(), retried.toString());
        assertEquals("provisioning", json(retried).get("status").asText(), retried.toString());
        Cli.Result failedAgain = cli.run("tenants", "retry", failing, "--wait", "--timeout", "60");
        assertEquals(1, failedAgain.exitCode(), "still no server there: " + failedAgain);
        assertTrue(failedAgain.out().startsWith(failing + ": status failed, desired active ("), "with the reason: "
                + failedAgain);

        Cli.Result active = cli.run("tenants", "retry", ORG);
        assertEquals(5, active.exitCode(), "an active tenant is not retried: " + active);
        assertTrue(active.err().contains("(409, PUT /api/v1/orgs/" + ORG + "/status)"), active.toString());
    }

    @Test
    @Order(15)
    void aRestoreFromADamagedBackupIsFollowedToItsFailure() throws IOException {
        Cli.Result backup = cli.run("backups", "create", ORG, "--wait", "-o", "json");
        assertEquals(0, backup.exitCode(), backup.toString());
        String backupId = json(backup).get("id").asText();
        Path location = Path.of(json(backup).get("location").asText());
        try (var files = Files.list(location)) {
            Path table = files.filter(file -> file.getFileName().toString().endsWith(".copy.gz")).findFirst().orElseThrow();
            Files.write(table, new byte[] {1, 2, 3});
        }
        assertEquals(1, cli.run("backups", "verify", ORG, backupId).exitCode());

        Cli.Result restore = cli.run("restore", ORG, "--backup", backupId, "--wait", "--interval", "0.2");
        assertEquals(1, restore.exitCode(), restore.toString());
        List<String> lines = restore.out().lines().toList();
        String restoreId = lines.get(0).split(" ")[1];
        assertTrue(lines.get(lines.size() - 1).startsWith("Restore " + restoreId + " of " + ORG + " from " + backupId
                + ": failed: "), restore.toString());
        assertEquals("failed", json(cli.run("restores", "show", ORG, restoreId, "-o", "json")).get("step").asText());
        assertEquals("active", json(cli.run("tenants", "show", ORG, "-o", "json")).get("status").asText(),
                "the tenant serves as before");
    }

    private static List<String> ids(JsonNode rows) {
        return rows.findValuesAsText("id");
    }

    private static JsonNode json(Cli.Result result) {
        try {
            return PlatformClient.JSON.readTree(result.out());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + result, e);
        }
    }
}
