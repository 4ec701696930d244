package io.tenantry.provisioner.backup;

import java.net.URI;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.jwt.JsonWebToken;

/** A tenant's backups: take one (202, then follow it), list, read, verify, and the tenant's backup policy. */
@Path("/api/v1/tenants/{orgId}")
@RolesAllowed("platform-admin")
public class BackupResource {

    @Inject
    Backups backups;

    @Inject
    JsonWebToken caller;

    @POST
    @Path("backups")
    public Response take(@PathParam("orgId") String orgId) {
        BackupView started = backups.start(orgId, caller.getSubject());
        return Response.accepted(started).location(URI.create(path(orgId, started.id()))).build();
    }

    /** Newest first; {@code before} (a previous page's last startedAt) pages back. */
    @GET
    @Path("backups")
    public List<BackupView> list(@PathParam("orgId") String orgId, @QueryParam("before") OffsetDateTime before,
                                 @QueryParam("limit") Integer limit) {
        return backups.list(orgId, before, limit);
    }

    @GET
    @Path("backups/{id}")
    public BackupView get(@PathParam("orgId") String orgId, @PathParam("id") UUID id) {
        return backups.get(orgId, id);
    }

    @POST
    @Path("backups/{id}/verify")
    public Backups.VerificationView verify(@PathParam("orgId") String orgId, @PathParam("id") UUID id) {
        return backups.verify(orgId, id);
    }

    public record PolicyRequest(@NotNull @Min(0) @Max(31_536_000) Long intervalSeconds,
                                @NotNull @Min(1) @Max(1000) Integer retain) {
    }

    public record PolicyView(long intervalSeconds, int retain) {
        static PolicyView of(BackupPolicy policy) {
            return new PolicyView(policy.interval().toSeconds(), policy.retain());
        }
    }

    @GET
    @Path("backup-policy")
    public PolicyView policy(@PathParam("orgId") String orgId) {
        return PolicyView.of(backups.policy(orgId));
    }

    @PUT
    @Path("backup-policy")
    public PolicyView setPolicy(@PathParam("orgId") String orgId, @Valid @NotNull PolicyRequest request) {
        return PolicyView.of(backups.setPolicy(orgId,
                new BackupPolicy(Duration.ofSeconds(request.intervalSeconds()), request.retain()), caller.getSubject()));
    }

    private static String path(String orgId, UUID id) {
        return "/api/v1/tenants/" + orgId + "/backups/" + id;
    }
}
