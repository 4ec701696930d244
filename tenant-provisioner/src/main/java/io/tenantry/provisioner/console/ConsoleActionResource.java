package io.tenantry.provisioner.console;

import java.net.URI;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;
import jakarta.ws.rs.BeanParam;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.FormParam;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

import org.jboss.resteasy.reactive.RestForm;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.tenantry.provisioner.backup.BackupView;
import io.tenantry.provisioner.rollout.RolloutPlan;
import io.tenantry.provisioner.rollout.RolloutView;

/**
 * What an operator does from the console: each action is first shown for confirmation (a page with what will happen
 * and a button), then done by a POST that carries the session's CSRF token; every POST without it is refused (403).
 */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
@Consumes(MediaType.APPLICATION_FORM_URLENCODED)
public class ConsoleActionResource {

    @Inject
    ConsoleSession session;

    @Inject
    OperatorConsole console;

    @Inject
    @Location("console/confirm.html")
    Template confirmPage;

    @Inject
    @Location("console/onboarded.html")
    Template onboardedPage;

    /** A hidden field the confirmation's form carries on to the action. */
    public record Field(String name, String value) {
    }

    /** The onboarding form, as the confirmation shows it and the action takes it. */
    public static class OnboardingForm {
        @RestForm
        public String csrf;
        @RestForm
        public String orgId;
        @RestForm
        public String displayName;
        @RestForm
        public String region;
        @RestForm
        public String leadEmail;
        @RestForm
        public String leadName;
    }

    @POST
    @Path("onboard/confirm")
    public String confirmOnboarding(@BeanParam OnboardingForm form) {
        ConsoleSession.Operator operator = session.authorize(form.csrf);
        OperatorConsole.Onboarding onboarding = onboarding(form);
        return confirm(operator, "Onboard " + onboarding.orgId(),
                "Onboard the organization " + onboarding.orgId() + " (" + onboarding.displayName() + ") in region "
                        + onboarding.region() + ", with " + onboarding.leadEmail()
                        + " as its admin? Their account is created first if there is none, with a password shown once. "
                        + "The provisioner then creates its database.",
                "/console/onboard", "/console", List.of(new Field("orgId", onboarding.orgId()),
                        new Field("displayName", onboarding.displayName()), new Field("region", onboarding.region()),
                        new Field("leadEmail", onboarding.leadEmail()),
                        new Field("leadName", onboarding.leadName() == null ? "" : onboarding.leadName())));
    }

    /** To the new tenant's page; first, when the lead's account was created, a page with its password (once). */
    @POST
    @Path("onboard")
    public Response onboard(@BeanParam OnboardingForm form) {
        ConsoleSession.Operator operator = session.authorize(form.csrf);
        OperatorConsole.Onboarded onboarded = console.onboard(operator, onboarding(form));
        if (onboarded.leadPassword() == null) {
            return seeOther(tenantPath(onboarded.orgId()));
        }
        return Response.ok(onboardedPage.data("operator", operator).data("onboarded", onboarded)
                .data("tenant", tenantPath(onboarded.orgId())).render()).build();
    }

    private OperatorConsole.Onboarding onboarding(OnboardingForm form) {
        return console.onboarding(form.orgId, form.displayName, form.region, form.leadEmail, form.leadName);
    }

    private static final Map<String, String> TENANT_ACTIONS = Map.of(
            "suspend", "Suspend the tenant %s? Its database closes to its users until it is resumed; nothing is deleted.",
            "resume", "Resume the tenant %s? Its database opens to its users again.",
            "backups", "Take a backup of the tenant %s now? It runs in the background and is listed on the tenant's page.");

    @GET
    @Path("tenants/{orgId}/{action: suspend|resume|backups}")
    public String confirmTenantAction(@PathParam("orgId") String orgId, @PathParam("action") String action) {
        ConsoleSession.Operator operator = session.operator();
        console.orgId(orgId);
        String title = switch (action) {
            case "suspend" -> "Suspend ";
            case "resume" -> "Resume ";
            default -> "Back up ";
        };
        return confirm(operator, title + orgId, TENANT_ACTIONS.get(action).formatted(orgId),
                tenantPath(orgId) + "/" + action, tenantPath(orgId), List.of());
    }

    /** A confirmed action on a tenant; a restore's {@code choice} is the backup, a move's the target. */
    @POST
    @Path("tenants/{orgId}/{action: suspend|resume|backups|restores|moves}")
    public Response tenantAction(@PathParam("orgId") String orgId, @PathParam("action") String action,
                                 @FormParam("csrf") String csrf, @FormParam("choice") String choice) {
        console.act(session.authorize(csrf), orgId, action, choice);
        return seeOther(tenantPath(orgId));
    }

    @GET
    @Path("tenants/{orgId}/restore")
    public String confirmRestore(@PathParam("orgId") String orgId, @QueryParam("backupId") String backupId) {
        ConsoleSession.Operator operator = session.operator();
        BackupView backup = console.restorable(orgId, backupId);
        return confirm(operator, "Restore " + orgId, "Restore the tenant " + orgId + " in place from its "
                        + backup.reason() + " backup of " + backup.startedAt() + " (schema version "
                        + backup.schemaVersion() + ")? The backup is loaded beside the tenant's database while it "
                        + "keeps serving; then the tenant closes for a moment, the restored database takes its place "
                        + "and is brought to the fleet's schema version. Everything written since the backup is "
                        + "replaced; the current database is kept as a safety backup.", tenantPath(orgId) + "/restores",
                tenantPath(orgId), List.of(new Field("choice", backup.id().toString())));
    }

    @GET
    @Path("tenants/{orgId}/move")
    public String confirmMove(@PathParam("orgId") String orgId, @QueryParam("target") String target) {
        ConsoleSession.Operator operator = session.operator();
        return confirm(operator, "Move " + orgId, "Move the tenant " + orgId + " to "
                        + console.describeMove(orgId, target) + "? Its data is copied while it keeps serving; writes "
                        + "pause for a moment at the switch.", tenantPath(orgId) + "/moves", tenantPath(orgId),
                List.of(new Field("choice", target)));
    }

    /** The rollout form: blanks take the API's defaults. */
    public static class RolloutForm {
        @RestForm
        public String csrf;
        @RestForm
        public String canarySize;
        @RestForm
        public String parallelism;
        @RestForm
        public String maxFailures;
        @RestForm
        public String targetVersion;
    }

    @POST
    @Path("rollouts/confirm")
    public String confirmRollout(@BeanParam RolloutForm form) {
        ConsoleSession.Operator operator = session.authorize(form.csrf);
        RolloutPlan plan = plan(form);
        return confirm(operator, "Start a rollout", "Bring every active and suspended tenant to "
                        + (plan.targetVersion() == null ? "the newest schema version" : "schema version " + plan.targetVersion())
                        + ": " + plan.canarySize() + " canary tenant(s) first, then " + plan.parallelism()
                        + " at a time, stopping after " + plan.maxFailures() + " failure(s)?",
                "/console/rollouts", "/console/rollouts", List.of(
                        new Field("canarySize", plan.canarySize().toString()),
                        new Field("parallelism", plan.parallelism().toString()),
                        new Field("maxFailures", plan.maxFailures().toString()),
                        new Field("targetVersion", plan.targetVersion() == null ? "" : plan.targetVersion())));
    }

    @POST
    @Path("rollouts")
    public Response startRollout(@BeanParam RolloutForm form) {
        ConsoleSession.Operator operator = session.authorize(form.csrf);
        RolloutView started = console.startRollout(operator, plan(form));
        return seeOther("/console/rollouts/" + started.id());
    }

    private RolloutPlan plan(RolloutForm form) {
        return console.plan(form.canarySize, form.parallelism, form.maxFailures, form.targetVersion);
    }

    private String confirm(ConsoleSession.Operator operator, String title, String question, String action,
                           String cancel, List<Field> fields) {
        return confirmPage.data("operator", operator).data("title", title).data("question", question)
                .data("action", action).data("cancel", cancel).data("fields", fields).render();
    }

    private static String tenantPath(String orgId) {
        return "/console/tenants/" + orgId;
    }

    private static Response seeOther(String path) {
        return Response.seeOther(URI.create(path)).build();
    }
}
