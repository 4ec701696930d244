package io.tenantry.metadata.role;

import java.net.URI;
import java.util.List;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.security.Authenticated;

@Path("/api/v1/orgs/{orgId}/roles")
@Authenticated
public class RoleResource {

    @Inject
    RoleService roles;

    @Schema(name = "RoleCreate", examples = """
            {"name": "auditor", "description": "Reads the audit log", "permissions": ["org:read", "audit:read"]}""")
    public record CreateRole(
            @NotNull @Pattern(regexp = "^[a-z][a-z0-9-]{1,39}$", message = "must match ^[a-z][a-z0-9-]{1,39}$") String name,
            @Size(max = 500) String description,
            @NotEmpty @Size(max = 32) List<@NotNull @Size(max = 40) String> permissions) {
    }

    @GET
    public List<RoleService.RoleView> list(@PathParam("orgId") String orgId) {
        return roles.list(orgId);
    }

    @POST
    public Response create(@PathParam("orgId") String orgId, @NotNull @Valid CreateRole request) {
        var role = roles.create(orgId, request.name(), request.description(), request.permissions());
        return Response.created(URI.create("/api/v1/orgs/" + orgId + "/roles/" + role.name())).entity(role).build();
    }

    @DELETE
    @Path("{name}")
    public void delete(@PathParam("orgId") String orgId, @PathParam("name") @Size(max = 40) String name) {
        roles.delete(orgId, name);
    }
}
