package io.tenantry.provisioner.move;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;

/** Move a tenant's database to another server while it keeps serving (202), follow it, abort it before its switch. */
@Path("/api/v1/tenants/{orgId}/moves")
@RolesAllowed("platform-admin")
public class MoveResource {

    @Inject
    Moves moves;

    @Inject
    JsonWebToken caller;

    /** A configured server's name, or a region whose emptiest open server is chosen; exactly one of them. */
    public record MoveRequest(@Pattern(regexp = "^[A-Za-z0-9_.-]{1,63}$", message = "must be a server name")
                              String targetServer,
                              @Pattern(regexp = "^[a-z][a-z0-9-]{0,39}$", message = "must be a region name such as eu-west")
                              String targetRegion) {
    }

    @POST
    public Response move(@PathParam("orgId") String orgId, @Valid @NotNull MoveRequest request) {
        MoveView started = moves.request(orgId, request.targetServer(), request.targetRegion(), caller.getSubject());
        return Response.accepted(started).location(URI.create("/api/v1/tenants/" + orgId + "/moves/" + started.id()))
                .build();
    }

    @GET
    public List<MoveView> list(@PathParam("orgId") String orgId) {
        return moves.list(orgId);
    }

    @GET
    @Path("{id}")
    public MoveView get(@PathParam("orgId") String orgId, @PathParam("id") UUID id) {
        return moves.view(orgId, id);
    }

    @POST
    @Path("{id}/abort")
    public Response abort(@PathParam("orgId") String orgId, @PathParam("id") UUID id) {
        return Response.accepted(moves.abort(orgId, id)).build();
    }
}
