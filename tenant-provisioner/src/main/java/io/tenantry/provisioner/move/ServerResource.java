package io.tenantry.provisioner.move;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;

/** The tenant servers: how full each is, draining one, opening it again, and evening out a region. */
@Path("/api/v1/servers")
@RolesAllowed("platform-admin")
public class ServerResource {

    @Inject
    FleetMoves fleet;

    @Inject
    JsonWebToken caller;

    public record RebalanceRequest(@NotNull String region) {
    }

    @GET
    public List<FleetMoves.ServerView> list() {
        return fleet.servers();
    }

    /** Closes the server to new tenants and moves every tenant off it (202 with the moves it started). */
    @POST
    @Path("{server}/drain")
    public Response drain(@PathParam("server") String server) {
        return Response.accepted(fleet.drain(server, caller.getSubject())).build();
    }

    @POST
    @Path("{server}/open")
    public FleetMoves.ServerView open(@PathParam("server") String server) {
        return fleet.open(server, caller.getSubject());
    }

    /** The moves that would even out the region's servers by size; nothing moves. */
    @GET
    @Path("rebalance")
    public FleetMoves.RebalancePlan plan(@QueryParam("region") String region) {
        return fleet.rebalance(region, false, caller.getSubject());
    }

    /** Plans as {@link #plan} does and starts the moves (202). */
    @POST
    @Path("rebalance")
    public Response rebalance(@Valid @NotNull RebalanceRequest request) {
        return Response.accepted(fleet.rebalance(request.region(), true, caller.getSubject())).build();
    }
}
