package io.tenantry.metadata.membership;

import java.net.URI;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Email;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.security.Authenticated;
import io.tenantry.common.paging.Page;

@Path("/api/v1/orgs/{orgId}/members")
@Authenticated
public class MemberResource {

    @Inject
    MembershipService memberships;

    @Schema(name = "MemberAdd", examples = """
            {"email": "grace@acme.example", "role": "scientist"}""")
    public record AddMember(@NotBlank @Email @Size(max = 254) String email, @NotBlank @Size(max = 40) String role) {
    }

    @Schema(name = "MemberRoleChange", examples = """
            {"role": "viewer"}""")
    public record ChangeRole(@NotBlank @Size(max = 40) String role) {
    }

    @GET
    public Page<MembershipService.MemberView> list(@PathParam("orgId") String orgId,
                                                   @QueryParam("after") String after,
                                                   @QueryParam("limit") @DefaultValue(Page.DEFAULT_LIMIT) @Min(1) @Max(Page.MAX_LIMIT) int limit) {
        return memberships.list(orgId, after, limit);
    }

    @POST
    public Response add(@PathParam("orgId") String orgId, @NotNull @Valid AddMember request) {
        var member = memberships.add(orgId, request.email(), request.role());
        return Response.created(URI.create("/api/v1/orgs/" + orgId + "/members/" + member.userId())).entity(member).build();
    }

    @PATCH
    @Path("{userId}")
    public MembershipService.MemberView changeRole(@PathParam("orgId") String orgId, @PathParam("userId") UUID userId,
                                                   @NotNull @Valid ChangeRole request) {
        return memberships.changeRole(orgId, userId, request.role());
    }

    @DELETE
    @Path("{userId}")
    public void remove(@PathParam("orgId") String orgId, @PathParam("userId") UUID userId) {
        memberships.remove(orgId, userId);
    }
}
