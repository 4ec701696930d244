package io.tenantry.provisioner.dbhealth;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;

/** The fleet's database health; platform administrators only. */
@Path("/api/v1/health/tenants")
@RolesAllowed("platform-admin")
public class FleetHealthResource {

    @Inject
    TenantHealth health;

    @GET
    @Operation(summary = "Tenants per health state and reason, and the worst tenants by each measure")
    public FleetHealth summary(@QueryParam("limit") @DefaultValue("10") int limit) {
        return health.fleetSummary(limit);
    }
}
