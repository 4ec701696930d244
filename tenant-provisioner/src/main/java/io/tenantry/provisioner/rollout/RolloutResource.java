package io.tenantry.provisioner.rollout;

import java.net.URI;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;

import io.tenantry.common.paging.Page;

/**
 * Start a fleet rollout (202 with the operation to poll), list and follow rollouts, pause, resume (202) and cancel
 * one (409 when it is not in a state that allows it); platform administrators only.
 */
@Path("/api/v1/rollouts")
@RolesAllowed("platform-admin")
public class RolloutResource {

    @Inject
    Rollouts rollouts;

    @Inject
    JsonWebToken caller;

    @POST
    public Response start(@Valid RolloutPlan plan) {
        RolloutView started = rollouts.start(plan == null ? RolloutPlan.DEFAULT : plan, caller.getSubject());
        return Response.accepted(started).location(URI.create("/api/v1/rollouts/" + started.id())).build();
    }

    @GET
    public Page<RolloutView> list(@QueryParam("after") String after,
                                  @QueryParam("limit") @DefaultValue(Page.DEFAULT_LIMIT) @Min(1) @Max(Page.MAX_LIMIT) int limit) {
        return rollouts.list(after, limit);
    }

    @GET
    @Path("{id}")
    public RolloutView get(@PathParam("id") UUID id) {
        return rollouts.view(id);
    }

    @POST
    @Path("{id}/pause")
    public RolloutView pause(@PathParam("id") UUID id) {
        return rollouts.pause(id, caller.getSubject());
    }

    @POST
    @Path("{id}/resume")
    public Response resume(@PathParam("id") UUID id) {
        return Response.accepted(rollouts.resume(id, caller.getSubject()))
                .location(URI.create("/api/v1/rollouts/" + id)).build();
    }

    @POST
    @Path("{id}/cancel")
    public RolloutView cancel(@PathParam("id") UUID id) {
        return rollouts.cancel(id, caller.getSubject());
    }
}
