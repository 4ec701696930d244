package io.tenantry.provisioner.console;

import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateInstance;

/** The console's pages, for signed-in platform administrators; they show metadata and health, never tenant data. */
@Path("/console")
@Produces(MediaType.TEXT_HTML)
public class ConsoleResource {

    @Inject
    ConsoleSession session;

    @Inject
    OperatorConsole console;

    @Inject
    @Location("console/fleet.html")
    Template fleetPage;

    @Inject
    @Location("console/tenant.html")
    Template tenantPage;

    @Inject
    @Location("console/rollouts.html")
    Template rolloutsPage;

    @Inject
    @Location("console/rollout.html")
    Template rolloutPage;

    @Inject
    @Location("console/rollout-progress.html")
    Template rolloutProgress;

    @Inject
    @Location("console/onboard.html")
    Template onboardPage;

    @Inject
    @Location("console/rollout-new.html")
    Template newRolloutPage;

    @GET
    public String fleet(@QueryParam("after") String after) {
        return page(fleetPage).data("overview", console.overview(after)).render();
    }

    @GET
    @Path("tenants/{orgId}")
    public String tenant(@PathParam("orgId") String orgId) {
        return page(tenantPage).data("page", console.tenant(orgId)).render();
    }

    @GET
    @Path("rollouts")
    public String rollouts() {
        return page(rolloutsPage).data("rollouts", console.rollouts()).render();
    }

    @GET
    @Path("rollouts/{id}")
    public String rollout(@PathParam("id") UUID id) {
        return page(rolloutPage).data("rollout", console.rollout(id)).render();
    }

    /** The part of a rollout's page its script fetches again every second while the rollout runs. */
    @GET
    @Path("rollouts/{id}/progress")
    public String rolloutProgress(@PathParam("id") UUID id) {
        session.operator();
        return rolloutProgress.data("rollout", console.rollout(id)).render();
    }

    @GET
    @Path("onboard")
    public String onboard() {
        return page(onboardPage).data("regions", console.regions()).render();
    }

    @GET
    @Path("rollouts/new")
    public String newRollout() {
        return page(newRolloutPage).render();
    }

    private TemplateInstance page(Template template) {
        return template.data("operator", session.operator());
    }
}
