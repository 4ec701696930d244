package io.tenantry.provisioner;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import jakarta.inject.Inject;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import io.smallrye.jwt.build.Jwt;
import io.tenantry.common.OrgId;
import io.tenantry.provisioner.backup.BackupView;
import io.tenantry.provisioner.backup.Backups;
import io.tenantry.provisioner.console.ConsoleActionResource;
import io.tenantry.provisioner.console.ConsoleCookies;
import io.tenantry.provisioner.console.ConsoleSignInResource;
import io.tenantry.provisioner.console.MetadataServiceStub;
import io.tenantry.provisioner.dbhealth.HealthSnapshot;
import io.tenantry.provisioner.dbhealth.TenantHealth;
import io.tenantry.provisioner.move.MoveView;
import io.tenantry.provisioner.move.Moves;
import io.tenantry.provisioner.reconcile.Reconciler;
import io.tenantry.provisioner.restore.RestoreView;
import io.tenantry.provisioner.restore.Restores;
import io.tenantry.schema.MetadataSchema;
import io.tenantry.schema.ResultsSchema;
import io.tenantry.testing.Eventually;
import io.tenantry.testing.TenantryTestServers;

/**
 * The operator console without a browser: sessions, CSRF, headers and what the pages and actions do. metadata-service
 * is an HTTP server answering as its users, orgs and token endpoints do; sign-in and onboarding against the real one
 * are driven in a real browser by dev-launcher's ConsoleBrowserTest.
 */
@QuarkusTest
@WithTestResource(value = TenantryTestServers.class, initArgs = {
        @ResourceArg(name = "postgres-servers", value = "2"),
        @ResourceArg(name = "metadata-migrations", value = ProvisionerTestSupport.METADATA_MIGRATIONS),
        @ResourceArg(name = "metadata-role", value = MetadataSchema.PROVISIONER_ROLE)})
@WithTestResource(MetadataServiceStub.class)
class ConsoleTest {

    private static final String ADMIN = Jwt.subject("user:console-admin").upn("ops@tenantry.local")
            .groups(Set.of("user", "platform-admin")).sign();
    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static String orgId;

    @Inject
    Reconciler reconciler;

    @Inject
    TenantHealth health;

    @Inject
    Backups backups;

    @Inject
    Restores restores;

    @Inject
    Moves moves;

    MetadataServiceStub metadataService;

    @BeforeAll
    static void aTenant() throws Exception {
        orgId = ProvisionerTestSupport.newOrganization("eu-west");
    }

    private void active() throws Exception {
        if (!"active".equals(ProvisionerTestSupport.registry("status", orgId))) {
            reconciler.reconcile(orgId);
        }
    }

    @Test
    void withoutASessionPagesSendTheBrowserToSignIn() {
        given().redirects().follow(false).get("/console").then().statusCode(303)
                .header("Location", endsWith("/console/sign-in"));
        given().redirects().follow(false).cookie(ConsoleCookies.SESSION, "not-a-token").get("/console/rollouts")
                .then().statusCode(303).header("Location", endsWith("/console/sign-in?reason=expired"));
        String member = Jwt.subject("user:someone").groups(Set.of("user")).claim("org", "acme").sign();
        given().redirects().follow(false).cookie(ConsoleCookies.SESSION, member).get("/console").then()
                .statusCode(303).header("Location", endsWith("/console/sign-in?reason=not-admin"));
    }

    @Test
    void theSignInPageBindsItsFormToAStrictHttpOnlyCookieAndForbidsFraming() {
        Response page = given().get("/console/sign-in");
        page.then().statusCode(200).contentType(containsString("text/html"))
                .header("Content-Security-Policy", containsString("default-src 'self'"))
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("X-Frame-Options", "DENY");
        String cookie = page.getHeader("Set-Cookie");
        assertTrue(cookie.startsWith(ConsoleCookies.SIGN_IN + "="), cookie);
        assertTrue(cookie.contains("Path=/console") && cookie.contains("HttpOnly")
                && cookie.toLowerCase().contains("samesite=strict"), cookie);
        String signInValue = page.getCookie(ConsoleCookies.SIGN_IN);

        // A sign-in form posted from elsewhere carries no token of this browser's cookie.
        given().contentType("application/x-www-form-urlencoded").cookie(ConsoleCookies.SIGN_IN, signInValue)
                .formParam("email", "ops@tenantry.local").formParam("password", "x").post("/console/sign-in")
                .then().statusCode(403).contentType(containsString("application/problem+json"));
        // With it, the provisioner asks metadata-service, whose refusal is the sign-in page again, not a 500.
        given().contentType("application/x-www-form-urlencoded").cookie(ConsoleCookies.SIGN_IN, signInValue)
                .formParam("email", "ops@tenantry.local").formParam("password", "x")
                .formParam("csrf", csrf(page.asString())).post("/console/sign-in")
                .then().statusCode(401).contentType(containsString("text/html"))
                .body(containsString("Wrong email or password."));
        assertEquals("POST /api/v1/auth/token", metadataService.calls().get(metadataService.calls().size() - 1)
                .request());
    }

    @Test
    void theFleetAndTenantPagesShowMetadataAndDatabaseHealth() throws Exception {
        active();
        HealthSnapshot collected = health.collect(OrgId.of(orgId));
        String state = collected.state().wire();
        given().cookie(ConsoleCookies.SESSION, ADMIN).get("/console").then().statusCode(200)
                .header("Content-Security-Policy", containsString("default-src 'self'"))
                .body(containsString("id=\"tenant-" + orgId + "\""))
                .body(containsString("ops@tenantry.local"))
                .body(containsString("id=\"by-health\""))
                .body(containsString("<td class=\"health\"><span class=\"status " + state + "\">" + state + "</span>"));
        given().cookie(ConsoleCookies.SESSION, ADMIN).get("/console/tenants/" + orgId).then().statusCode(200)
                .body(containsString("id=\"tenant-status\">active<"))
                .body(containsString(ResultsSchema.NEWEST_VERSION))
                .body(containsString("eu-west"))
                .body(containsString("id=\"health-state\">" + state + "<"))
                .body(containsString("id=\"health-bytes\">" + collected.measures().databaseBytes() + "<"))
                .body(containsString("<td>jobs</td>"))
                .body(containsString("id=\"slow-statements\""));
        given().cookie(ConsoleCookies.SESSION, ADMIN).get("/console/tenants/no_such_tenant").then().statusCode(404);
        // The API reads the Authorization header as before, and its document has no console in it.
        given().auth().oauth2(ADMIN).get("/api/v1/tenants/" + orgId).then().statusCode(200)
                .body("status", equalTo("active"));
        given().get("/q/openapi").then().statusCode(200).body(not(containsString("/console")));
    }

    @Test
    void everyConsolePostWithoutTheSessionsCsrfTokenIsRefused() throws Exception {
        active();
        List<String> paths = new ArrayList<>();
        for (Class<?> resource : List.of(ConsoleActionResource.class, ConsoleSignInResource.class)) {
            for (Method method : resource.getDeclaredMethods()) {
                if (method.isAnnotationPresent(POST.class)) {
                    String path = "/console/" + method.getAnnotation(Path.class).value().replace("{orgId}", orgId);
                    Matcher choices = Pattern.compile("\\{\\w+: ([\\w|]+)}").matcher(path);
                    if (choices.find()) {
                        for (String choice : choices.group(1).split("\\|")) {
                            paths.add(path.substring(0, choices.start()) + choice);
                        }
                    } else {
                        paths.add(path);
                    }
                }
            }
        }
        assertEquals(11, paths.size(), paths.toString());
        String csrf = csrf(given().cookie(ConsoleCookies.SESSION, ADMIN).get("/console").asString());
        String otherSession = Jwt.subject("user:other-admin").groups(Set.of("user", "platform-admin")).sign();
        for (String path : paths) {
            for (String token : new String[] {null, "", "forged", csrfOf(otherSession)}) {
                var request = given().redirects().follow(false).cookie(ConsoleCookies.SESSION, ADMIN)
                        .contentType("application/x-www-form-urlencoded").formParam("orgId", orgId)
                        .formParam("displayName", "X").formParam("region", "eu-west")
                        .formParam("leadEmail", "lead@example.org");
                if (token != null) {
                    request.formParam("csrf", token);
                }
                request.post(path).then().statusCode(403).contentType(containsString("application/problem+json"));
            }
        }
        assertFalse(csrf.equals(csrfOf(otherSession)), "each session has its own token");
        assertEquals("active", ProvisionerTestSupport.registry("status", orgId));
    }

    @Test
    void aRolloutStartedFromTheConsoleIsConfirmedAuditedAndFollowedToItsEnd() throws Exception {
        active();
        String csrf = csrf(given().cookie(ConsoleCookies.SESSION, ADMIN).get("/console/rollouts/new").asString());
        given().cookie(ConsoleCookies.SESSION, ADMIN).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", csrf).formParam("canarySize", "1").formParam("parallelism", "2")
                .formParam("maxFailures", "0").formParam("targetVersion", "").post("/console/rollouts/confirm")
                .then().statusCode(200).body(containsString("id=\"confirm\""))
                .body(containsString("the newest schema version"));
        given().cookie(ConsoleCookies.SESSION, ADMIN).contentType("application/x-www-form-urlencoded")
                .formParam("csrf", csrf).formParam("parallelism", "99").post("/console/rollouts/confirm")
                .then().statusCode(400);
        String location = given().redirects().follow(false).cookie(ConsoleCookies.SESSION, ADMIN)
                .contentType("application/x-www-form-urlencoded").formParam("csrf", csrf)
                .formParam("canarySize", "1").formParam("parallelism", "2").formParam("maxFailures", "0")
                .post("/console/rollouts").then().statusCode(303).extract().header("Location");
        Matcher id = Pattern.compile("/console/rollouts/([0-9a-f-]{36})$").matcher(location);
        assertTrue(id.find(), location);
        given().cookie(ConsoleCookies.SESSION, ADMIN).get("/console/rollouts/" + id.group(1)).then().statusCode(200)
                .body(containsString("id=\"progress\""));
        Eventually.within(Duration.ofSeconds(60), "the rollout to finish", () -> given()
                .cookie(ConsoleCookies.SESSION, ADMIN).get("/console/rollouts/" + id.group(1) + "/progress").asString()
                .contains("data-status=\"succeeded\""));
        String fragment = given().cookie(ConsoleCookies.SESSION, ADMIN)
                .get("/console/rollouts/" + id.group(1) + "/progress").asString();
        assertFalse(fragment.contains("data-poll"), "a finished rollout is no longer polled: " + fragment);
        given().cookie(ConsoleCookies.SESSION, ADMIN).get("/console/rollouts").then().statusCode(200)
                .body(containsString(id.group(1)));
        assertEquals("1", ProvisionerTestSupport.queryString("""
                SELECT count(*)::text FROM audit_log WHERE action = 'fleet.rollout' AND target_id = ?
                   AND actor = 'user:console-admin'""", id.group(1)));
    }

    @Test
    void aBackupTakenFromTheConsoleIsListedOnTheTenantsPage() throws Exception {
        active();
        given().cookie(ConsoleCookies.SESSION, ADMIN).get("/console/tenants/" + orgId + "/backups").then()
                .statusCode(200).body(containsString("Take a backup of the tenant " + orgId));
        String csrf = csrf(given().cookie(ConsoleCookies.SESSION, ADMIN).get("/console").asString());
        given().redirects().follow(false).cookie(ConsoleCookies.SESSION, ADMIN)
                .contentType("application/x-www-form-urlencoded").formParam("csrf", csrf)
                .post("/console/tenants/" + orgId + "/backups").then().statusCode(303)
                .header("Location", endsWith("/console/tenants/" + orgId));
        Eventually.within(Duration.ofSeconds(60), "the backup to complete", () -> given()
                .cookie(ConsoleCookies.SESSION, ADMIN).get("/console/tenants/" + orgId).asString()
                .contains("<span class=\"status completed\">completed</span>"));
        Eventually.within(Duration.ofSeconds(10), "the backup's audit entry", () -> {
            try {
                return !"0".equals(ProvisionerTestSupport.queryString("""
                        SELECT count(*)::text FROM audit_log WHERE action = 'tenant.backup' AND org_id = ?
                           AND actor = 'user:console-admin'""", orgId));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void aRestoreStartedFromTheConsoleIsConfirmedFollowedAndAudited() throws Exception {
        String tenant = liveTenant();
        BackupView backup = backups.start(tenant, "user:test");
        Eventually.within(Duration.ofSeconds(60), "the backup to complete",
                () -> backups.get(tenant, backup.id()).completed());
        given().cookie(ConsoleCookies.SESSION, ADMIN).get("/console/tenants/" + tenant).then().statusCode(200)
                .body(containsString("id=\"restore-backup\""))
                .body(containsString("<option value=\"" + backup.id() + "\">"))
                .body(containsString("Never restored."));
        given().cookie(ConsoleCookies.SESSION, ADMIN)
                .get("/console/tenants/" + tenant + "/restore?backupId=" + backup.id()).then().statusCode(200)
                .body(containsString("Restore the tenant " + tenant + " in place"))
                .body(containsString("name=\"choice\" value=\"" + backup.id() + "\""))
                .body(containsString("action=\"/console/tenants/" + tenant + "/restores\""));
        refusedPage(given().cookie(ConsoleCookies.SESSION, ADMIN)
                .get("/console/tenants/" + tenant + "/restore?backupId=yesterday"), 400, "backupId");
        refusedPage(given().cookie(ConsoleCookies.SESSION, ADMIN)
                .get("/console/tenants/" + tenant + "/restore?backupId=" + UUID.randomUUID()), 404, "not found");

        String csrf = csrf(given().cookie(ConsoleCookies.SESSION, ADMIN).get("/console").asString());
        refusedPage(post(csrf).formParam("choice", "x")
                .post("/console/tenants/" + tenant + "/restores"), 400, "backupId");
        refusedPage(post(csrf)
                .formParam("choice", UUID.randomUUID().toString())
                .post("/console/tenants/" + tenant + "/restores"), 404, "not found");
        post(csrf).formParam("choice", backup.id().toString())
                .post("/console/tenants/" + tenant + "/restores").then().statusCode(303)
                .header("Location", endsWith("/console/tenants/" + tenant));
        List<RestoreView> started = restores.list(tenant);
        assertEquals(1, started.size(), started.toString());
        assertEquals(backup.id(), started.get(0).backupId());
        Eventually.within(Duration.ofSeconds(90), "the restore to finish",
                () -> restores.view(tenant, started.get(0).id()).finishedAt() != null);
        assertEquals("done", restores.view(tenant, started.get(0).id()).step());
        given().cookie(ConsoleCookies.SESSION, ADMIN).get("/console/tenants/" + tenant).then().statusCode(200)
                .body(containsString("<td>" + backup.id() + "</td><td>" + tenant + "</td>"
                        + "<td><span class=\"status done\">done</span>"))
                .body(not(containsString("http-equiv=\"refresh\"")));
        Eventually.within(Duration.ofSeconds(10), "the restore's audit entry",
                () -> "1".equals(audited("tenant.restore", tenant)));
    }

    @Test
    void aMoveStartedFromTheConsoleIsConfirmedFollowedToTheOtherServerAndAudited() throws Exception {
        String tenant = liveTenant();
        String from = ProvisionerTestSupport.registry("server", tenant);
        String to = from.equals("pg0") ? "pg1" : "pg0";
        given().cookie(ConsoleCookies.SESSION, ADMIN).get("/console/tenants/" + tenant).then().statusCode(200)
                .body(containsString("<option value=\"server:" + to + "\">"))
                .body(not(containsString("<option value=\"server:" + from + "\">")))
                .body(containsString("<option value=\"region:eu-west\">"))
                .body(containsString("Never moved."));
        given().cookie(ConsoleCookies.SESSION, ADMIN).get("/console/tenants/" + tenant + "/move?target=server:" + to)
                .then().statusCode(200)
                .body(containsString("Move the tenant " + tenant + " to server " + to + " (region eu-west)?"))
                .body(containsString("name=\"choice\" value=\"server:" + to + "\""));
        given().cookie(ConsoleCookies.SESSION, ADMIN).get("/console/tenants/" + tenant + "/move?target=region:eu-west")
                .then().statusCode(200).body(containsString("the emptiest open server of region eu-west"));
        refusedPage(given().cookie(ConsoleCookies.SESSION, ADMIN)
                .get("/console/tenants/" + tenant + "/move?target=" + to), 400, "target");
        refusedPage(given().cookie(ConsoleCookies.SESSION, ADMIN)
                .get("/console/tenants/" + tenant + "/move?target=server:nowhere"), 400, "nowhere");
        refusedPage(given().cookie(ConsoleCookies.SESSION, ADMIN)
                .get("/console/tenants/" + tenant + "/move?target=region:mars"), 400, "mars");

        String csrf = csrf(given().cookie(ConsoleCookies.SESSION, ADMIN).get("/console").asString());
        refusedPage(post(csrf).formParam("choice", "server:" + from)
                .post("/console/tenants/" + tenant + "/moves"), 409, "already");
        refusedPage(post(csrf).formParam("choice", "server:nowhere")
                .post("/console/tenants/" + tenant + "/moves"), 400, "nowhere");
        refusedPage(post(csrf).formParam("choice", "server:" + to)
                .post("/console/tenants/no_such_tenant/moves"), 404, "not found");
        post(csrf).formParam("choice", "server:" + to)
                .post("/console/tenants/" + tenant + "/moves").then().statusCode(303)
                .header("Location", endsWith("/console/tenants/" + tenant));
        ProvisionerTestSupport.awaitMoves(moves, Duration.ofMinutes(2), "the move to finish",
                () -> moves.list(tenant).stream().allMatch(MoveView::finished));
        List<MoveView> moved = moves.list(tenant);
        assertEquals(1, moved.size(), moved.toString());
        assertEquals("done", moved.get(0).step(), moved.toString());
        assertEquals(to, ProvisionerTestSupport.registry("server", tenant));
        given().cookie(ConsoleCookies.SESSION, ADMIN).get("/console/tenants/" + tenant).then().statusCode(200)
                .body(containsString("<td>" + from + "</td><td>" + to + "</td>"
                        + "<td><span class=\"status done\">done</span>"))
                .body(containsString("<option value=\"server:" + from + "\">"));
        Eventually.within(Duration.ofSeconds(10), "the move's audit entry",
                () -> "1".equals(audited("tenant.move", tenant)));
    }

    @Test
    void badFormInputGetsTheConsolesPageWith400AndTheApiKeepsItsProblemBodies() {
        String csrf = csrf(given().cookie(ConsoleCookies.SESSION, ADMIN).get("/console").asString());
        refusedPage(onboarding(csrf, "Not An Id!", "lead@example.org").post("/console/onboard/confirm"), 400,
                "organization id");
        refusedPage(onboarding(csrf, "acme_ok", "not-an-email").post("/console/onboard/confirm"), 400, "leadEmail");
        refusedPage(onboarding(csrf, "acme_ok", "not-an-email").post("/console/onboard"), 400, "leadEmail");
        refusedPage(post(csrf).formParam("targetVersion", "newest")
                .post("/console/rollouts/confirm"), 400, "targetVersion");
        refusedPage(post(csrf).formParam("targetVersion", "999")
                .post("/console/rollouts"), 400, "targetVersion");
        refusedPage(post(csrf).formParam("canarySize", "some")
                .post("/console/rollouts/confirm"), 400, "canarySize");
        refusedPage(post(csrf).formParam("parallelism", "99")
                .post("/console/rollouts/confirm"), 400, "parallelism");
        refusedPage(given().cookie(ConsoleCookies.SESSION, ADMIN).get("/console/tenants/NotAnId/suspend"), 400,
                "organization id");
        refusedPage(given().cookie(ConsoleCookies.SESSION, ADMIN).get("/console?after=NotAnId"), 400,
                "organization id");
        // The API answers the same mistakes with its problem bodies, as before.
        given().auth().oauth2(ADMIN).contentType("application/json").body("{\"parallelism\": 99}")
                .post("/api/v1/rollouts").then().statusCode(400)
                .contentType(containsString("application/problem+json"));
        given().auth().oauth2(ADMIN).contentType("application/json").body("{\"targetServer\": \"nowhere\"}")
                .post("/api/v1/tenants/" + orgId + "/moves").then().statusCode(400)
                .contentType(containsString("application/problem+json"));
    }

    @Test
    void onboardingCreatesAMissingLeadWithAPasswordShownOnceAndKeepsMetadataServicesRefusals() {
        String csrf = csrf(given().cookie(ConsoleCookies.SESSION, ADMIN).get("/console/onboard").asString());
        onboarding(csrf, "acme_console", "new-lead@acme.example").formParam("leadName", "Ada Lead")
                .post("/console/onboard/confirm").then().statusCode(200)
                .body(containsString("Their account is created first if there is none"))
                .body(containsString("name=\"leadName\" value=\"Ada Lead\""));
        metadataService.forgetCalls();
        Response created = onboarding(csrf, "acme_console", "new-lead@acme.example").formParam("leadName", "Ada Lead")
                .post("/console/onboard");
        created.then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("href=\"/console/tenants/acme_console\""));
        Matcher shown = Pattern.compile("id=\"lead-password\">([^<]+)<").matcher(created.asString());
        assertTrue(shown.find(), created.asString());
        List<MetadataServiceStub.Call> calls = metadataService.calls();
        assertEquals(List.of("GET /api/v1/users?limit=200&email=new-lead%40acme.example", "POST /api/v1/users",
                "POST /api/v1/orgs"), calls.stream().map(MetadataServiceStub.Call::request).toList());
        assertTrue(calls.stream().allMatch(c -> ("Bearer " + ADMIN).equals(c.authorization())),
                "every call carries the operator's own token");
        assertEquals(shown.group(1), calls.get(1).body().path("password").asText());
        assertTrue(shown.group(1).length() >= 24, shown.group(1));
        assertEquals("Ada Lead", calls.get(1).body().path("displayName").asText());
        assertEquals("new-lead@acme.example", calls.get(2).body().path("adminEmail").asText());

        // A lead who has an account now: straight to the tenant's page, no account made, no password shown.
        metadataService.forgetCalls();
        onboarding(csrf, "acme_console_2", "new-lead@acme.example").post("/console/onboard").then().statusCode(303)
                .header("Location", endsWith("/console/tenants/acme_console_2"));
        assertEquals(List.of("GET /api/v1/users?limit=200&email=new-lead%40acme.example", "POST /api/v1/orgs"),
                metadataService.calls().stream().map(MetadataServiceStub.Call::request).toList());
        refusedPage(onboarding(csrf, "acme_console_2", "new-lead@acme.example").post("/console/onboard"), 409,
                "already exists");
    }

    @Test
    void signingOutClearsTheSessionCookie() {
        String csrf = csrf(given().cookie(ConsoleCookies.SESSION, ADMIN).get("/console").asString());
        Response out = given().redirects().follow(false).cookie(ConsoleCookies.SESSION, ADMIN)
                .contentType("application/x-www-form-urlencoded").formParam("csrf", csrf).post("/console/sign-out");
        out.then().statusCode(303).header("Location", endsWith("/console/sign-in?reason=signed-out"));
        assertTrue(out.getHeaders().getValues("Set-Cookie").stream()
                .anyMatch(c -> c.startsWith(ConsoleCookies.SESSION + "=;") && c.contains("Max-Age=0")),
                out.getHeaders().getValues("Set-Cookie").toString());
    }

    private String liveTenant() throws Exception {
        String tenant = ProvisionerTestSupport.newOrganization("eu-west");
        reconciler.reconcile(tenant);
        assertEquals("active", ProvisionerTestSupport.registry("status", tenant));
        return tenant;
    }

    private static String audited(String action, String tenant) {
        try {
            return ProvisionerTestSupport.queryString("SELECT count(*)::text FROM audit_log WHERE action = '" + action
                    + "' AND actor = 'user:console-admin' AND org_id = ?", tenant);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A signed-in form post with the session's token, not following its redirect. */
    private static RequestSpecification post(String csrf) {
        return given().redirects().follow(false).cookie(ConsoleCookies.SESSION, ADMIN)
                .contentType("application/x-www-form-urlencoded").formParam("csrf", csrf);
    }

    private static RequestSpecification onboarding(String csrf, String org, String leadEmail) {
        return post(csrf).formParam("orgId", org).formParam("displayName", "Acme")
                .formParam("region", "eu-west").formParam("leadEmail", leadEmail);
    }

    /** The console's own refusal page, never a problem body or a stack trace. */
    private static void refusedPage(Response response, int status, String detail) {
        response.then().statusCode(status).contentType(containsString("text/html"))
                .body(containsString("id=\"refused\"")).body(containsString(detail))
                .body(not(containsString("\"status\":"))).body(not(containsString("Exception")));
    }

    private static String csrfOf(String session) {
        return csrf(given().cookie(ConsoleCookies.SESSION, session).get("/console").asString());
    }

    private static String csrf(String html) {
        Matcher m = CSRF.matcher(html);
        assertTrue(m.find(), "no CSRF field in " + html);
        return m.group(1);
    }
}
