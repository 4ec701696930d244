package io.tenantry.provisioner.fleet;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import io.tenantry.common.paging.Cursor;
import io.tenantry.common.paging.Page;

/** The fleet as operators see it; platform administrators only. */
@Path("/api/v1/tenants")
@RolesAllowed("platform-admin")
public class TenantResource {

    @Inject
    FleetStatus fleet;

    @GET
    public FleetStatus.Summary summary() {
        return fleet.summary();
    }

    /** Every tenant not deleted, by id, a keyset page at a time; {@code /api/v1/tenants/all} ("all" is no org id). */
    @GET
    @Path("all")
    public Page<FleetStatus.Listed> list(@QueryParam("after") String after,
                                         @QueryParam("limit") @DefaultValue(Page.DEFAULT_LIMIT) @Min(1)
                                         @Max(Page.MAX_LIMIT) int limit) {
        String from = after == null ? null : Cursor.decode(after);
        return Page.of(fleet.tenants(from, limit + 1), limit, FleetStatus.Listed::orgId, listed -> listed);
    }

    @GET
    @Path("{orgId}")
    public FleetStatus.TenantDetail tenant(@PathParam("orgId") String orgId) {
        return fleet.tenant(orgId);
    }
}
