package io.tenantry.metadata.pipeline;

import java.net.URI;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Response;

import io.quarkus.security.Authenticated;
import io.tenantry.common.paging.Page;

/** An organization's own templates, alongside the global ones it can use. */
@Path("/api/v1/orgs/{orgId}/pipeline-templates")
@Authenticated
public class OrganizationPipelineTemplateResource {

    @Inject
    PipelineTemplates templates;

    @GET
    public Page<PipelineTemplates.PipelineTemplateView> list(@PathParam("orgId") String orgId,
                                                             @QueryParam("name") @Size(max = 63) String name,
                                                             @QueryParam("after") String after,
                                                             @QueryParam("limit") @DefaultValue(Page.DEFAULT_LIMIT) @Min(1) @Max(Page.MAX_LIMIT) int limit) {
        return templates.listForOrganization(orgId, name, after, limit);
    }

    @POST
    public Response create(@PathParam("orgId") String orgId, @NotNull @Valid PipelineRequests.Create request) {
        var template = templates.createForOrganization(orgId, request);
        return Response.created(URI.create("/api/v1/orgs/" + orgId + "/pipeline-templates/" + template.name()
                + "/versions/" + template.version())).entity(template).build();
    }

    @GET
    @Path("{name}/versions/{version}")
    public PipelineTemplates.PipelineTemplateView version(@PathParam("orgId") String orgId,
                                                          @PathParam("name") @Size(max = 63) String name,
                                                          @PathParam("version") int version) {
        return templates.versionForOrganization(orgId, name, version);
    }
}
