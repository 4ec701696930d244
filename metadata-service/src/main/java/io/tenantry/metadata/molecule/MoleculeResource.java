package io.tenantry.metadata.molecule;

import java.net.URI;
import java.util.UUID;

import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
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

import io.quarkus.security.Authenticated;
import io.tenantry.common.paging.Page;

@Path("/api/v1/orgs/{orgId}/molecules")
@Authenticated
public class MoleculeResource {

    @Inject
    MoleculeService molecules;

    @GET
    public Page<MoleculeService.MoleculeView> list(@PathParam("orgId") String orgId,
                                                   @QueryParam("name") @Size(max = 200) String namePrefix,
                                                   @QueryParam("inchiKey") @Size(max = 27) String inchiKey,
                                                   @QueryParam("after") String after,
                                                   @QueryParam("limit") @DefaultValue(Page.DEFAULT_LIMIT) @Min(1) @Max(Page.MAX_LIMIT) int limit) {
        return molecules.list(orgId, namePrefix, inchiKey, after, limit);
    }

    @POST
    public Response register(@PathParam("orgId") String orgId, @NotNull @Valid MoleculeService.Register request) {
        var molecule = molecules.register(orgId, request);
        return Response.created(URI.create("/api/v1/orgs/" + orgId + "/molecules/" + molecule.id()))
                .entity(molecule).build();
    }

    @GET
    @Path("{id}")
    public MoleculeService.MoleculeView get(@PathParam("orgId") String orgId, @PathParam("id") UUID id) {
        return molecules.get(orgId, id);
    }

    @DELETE
    @Path("{id}")
    public void delete(@PathParam("orgId") String orgId, @PathParam("id") UUID id) {
        molecules.delete(orgId, id);
    }
}
