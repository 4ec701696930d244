package io.tenantry.provisioner.dbhealth;

import java.util.List;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import org.eclipse.microprofile.openapi.annotations.Operation;

import io.tenantry.common.OrgId;

/** One tenant's database health; platform administrators only. */
@Path("/api/v1/tenants/{orgId}/health")
@RolesAllowed("platform-admin")
public class TenantHealthResource {

    @Inject
    TenantHealth health;

    @GET
    @Operation(summary = "The tenant's current health snapshot: state, reasons and measures")
    public HealthSnapshot current(@PathParam("orgId") String orgId) {
        return health.current(OrgId.of(orgId));
    }

    @GET
    @Path("history")
    @Operation(summary = "The tenant's recent health snapshots, newest first")
    public List<HealthSnapshot> history(@PathParam("orgId") String orgId,
                                        @QueryParam("limit") @DefaultValue("48") int limit) {
        return health.history(OrgId.of(orgId), limit);
    }

    @POST
    @Path("collect")
    @Operation(summary = "Measure the tenant's database now and return the new snapshot")
    public HealthSnapshot collect(@PathParam("orgId") String orgId) {
        return health.collect(OrgId.of(orgId));
    }
}
