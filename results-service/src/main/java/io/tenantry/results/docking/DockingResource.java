package io.tenantry.results.docking;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.quarkus.security.Authenticated;
import io.smallrye.mutiny.Uni;
import io.tenantry.common.paging.Page;
import io.tenantry.results.store.DockingResultView;

/** One molecule's docking results across all of the organization's jobs, best score first. */
@Path("/api/v1/orgs/{orgId}/docking-results")
@Authenticated
@Produces(MediaType.APPLICATION_JSON)
public class DockingResource {

    private final DockingService docking;

    public DockingResource(DockingService docking) {
        this.docking = docking;
    }

    @GET
    @Operation(summary = "One molecule's docking results across all the organization's jobs, best score first")
    public Uni<Page<DockingResultView>> ofMolecule(@PathParam("orgId") String orgId,
                                                   @QueryParam("moleculeId") String moleculeId,
                                                   @QueryParam("after") String after,
                                                   @QueryParam("limit") @DefaultValue(Page.DEFAULT_LIMIT) @Min(1) @Max(Page.MAX_LIMIT) int limit) {
        return docking.ofMolecule(orgId, moleculeId, after, limit);
    }
}
