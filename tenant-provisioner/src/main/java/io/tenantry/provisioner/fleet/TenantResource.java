package io.tenantry.provisioner.fleet;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

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

    @GET
    @Path("{orgId}")
    public FleetStatus.TenantDetail tenant(@PathParam("orgId") String orgId) {
        return fleet.tenant(orgId);
    }
}
