package io.tenantry.provisioner.rollout;

import java.net.URI;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;

/** Start a fleet rollout (202 with the operation to poll) and follow its progress; platform administrators only. */
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
    @Path("{id}")
    public RolloutView get(@PathParam("id") UUID id) {
        return rollouts.view(id);
    }
}
