package io.tenantry.metadata.client;

import java.net.URI;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import io.quarkus.security.Authenticated;
import io.tenantry.common.paging.Page;

@Path("/api/v1/orgs/{orgId}/clients")
@Authenticated
public class ApiClientResource {

    @Inject
    ApiClientService clients;

    @Schema(name = "ApiClientCreate", examples = """
            {"name": "nightly-docking", "role": "scientist"}""")
    public record CreateClient(@NotBlank @Size(max = 100) String name, @NotBlank @Size(max = 40) String role) {
    }

    @POST
    @Operation(summary = "Create an API client; its secret is in this response and nowhere else, ever")
    public Response create(@PathParam("orgId") String orgId, @NotNull @Valid CreateClient request) {
        var created = clients.create(orgId, request.name(), request.role());
        return Response.created(URI.create("/api/v1/orgs/" + orgId + "/clients/" + created.clientId()))
                .entity(created).build();
    }

    @GET
    public Page<ApiClientService.ClientView> list(@PathParam("orgId") String orgId, @QueryParam("after") String after,
                                                  @QueryParam("limit") @DefaultValue(Page.DEFAULT_LIMIT) @Min(1) @Max(Page.MAX_LIMIT) int limit) {
        return clients.list(orgId, after, limit);
    }

    @DELETE
    @Path("{clientId}")
    public void revoke(@PathParam("orgId") String orgId, @PathParam("clientId") UUID clientId) {
        clients.revoke(orgId, clientId);
    }
}
