package io.tenantry.metadata.organization;

import java.net.URI;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.quarkus.security.Authenticated;
import io.tenantry.common.WireEnums;
import io.tenantry.common.lifecycle.OrganizationStatus;
import io.tenantry.common.paging.Page;

@Path("/api/v1/orgs")
@Authenticated
public class OrganizationResource {

    @Inject
    OrganizationService organizations;

    @POST
    @Operation(summary = "Onboard an organization (platform admin); 202 while the provisioner creates its tenant")
    public Response create(@NotNull @Valid OrganizationRequests.Create request) {
        return accepted(organizations.create(request));
    }

    @GET
    @Operation(summary = "Organizations the caller can see: all for platform admins, their own otherwise")
    public Page<OrganizationView> list(@QueryParam("status") @Size(max = 20) String status,
                                       @QueryParam("region") @Size(max = 40) String region,
                                       @QueryParam("after") String after,
                                       @QueryParam("limit") @DefaultValue(Page.DEFAULT_LIMIT) @Min(1) @Max(Page.MAX_LIMIT) int limit) {
        return organizations.list(status == null ? null : WireEnums.parse(OrganizationStatus.class, status, "status"), region, after, limit);
    }

    @GET
    @Path("{orgId}")
    public OrganizationView get(@PathParam("orgId") String orgId) {
        return organizations.get(orgId);
    }

    @PATCH
    @Path("{orgId}")
    @Operation(summary = "Rename an organization or change its quotas (optimistic: send the version you read)")
    public OrganizationView update(@PathParam("orgId") String orgId,
                                   @NotNull @Valid OrganizationRequests.Update request) {
        return organizations.update(orgId, request);
    }

    @POST
    @Path("{orgId}/suspend")
    public Response suspend(@PathParam("orgId") String orgId) {
        return accepted(organizations.suspend(orgId));
    }

    @POST
    @Path("{orgId}/resume")
    public Response resume(@PathParam("orgId") String orgId) {
        return accepted(organizations.resume(orgId));
    }

    @DELETE
    @Path("{orgId}")
    @Operation(summary = "Request deletion; the provisioner exports the tenant's data before dropping it")
    public Response delete(@PathParam("orgId") String orgId) {
        return accepted(organizations.delete(orgId));
    }

    @PUT
    @Path("{orgId}/status")
    @Operation(summary = "Report the observed tenant status (the provisioner, as platform admin)")
    public OrganizationView reportStatus(@PathParam("orgId") String orgId,
                                         @NotNull @Valid OrganizationRequests.StatusReport report) {
        return organizations.reportStatus(orgId, report);
    }

    private static Response accepted(OrganizationView view) {
        return Response.accepted(view).location(URI.create("/api/v1/orgs/" + view.orgId())).build();
    }
}
