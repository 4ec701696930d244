package io.tenantry.provisioner.restore;

import java.net.URI;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;

/** Restore a tenant in place from one of its backups, or clone another organization's backup into it (202). */
@Path("/api/v1/tenants/{orgId}")
@RolesAllowed("platform-admin")
public class RestoreResource {

    @Inject
    Restores restores;

    @Inject
    JsonWebToken caller;

    public record RestoreRequest(@NotNull UUID backupId) {
    }

    public record CloneRequest(@NotNull String sourceOrgId, @NotNull UUID backupId) {
    }

    @POST
    @Path("restores")
    public Response restore(@PathParam("orgId") String orgId, @Valid @NotNull RestoreRequest request) {
        return accepted(restores.restore(orgId, request.backupId(), caller.getSubject()));
    }

    @POST
    @Path("clones")
    public Response cloneInto(@PathParam("orgId") String orgId, @Valid @NotNull CloneRequest request) {
        return accepted(restores.cloneInto(orgId, request.sourceOrgId(), request.backupId(), caller.getSubject()));
    }

    @GET
    @Path("restores")
    public List<RestoreView> list(@PathParam("orgId") String orgId) {
        return restores.list(orgId);
    }

    @GET
    @Path("restores/{id}")
    public RestoreView get(@PathParam("orgId") String orgId, @PathParam("id") UUID id) {
        return restores.view(orgId, id);
    }

    private static Response accepted(RestoreView started) {
        return Response.accepted(started)
                .location(URI.create("/api/v1/tenants/" + started.orgId() + "/restores/" + started.id())).build();
    }
}
