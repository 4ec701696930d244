package io.tenantry.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;

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

    private static JsonNode json(Cli.Result result) {
        try {
            return PlatformClient.JSON.readTree(result.out());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + result, e);
        }
    }
}
