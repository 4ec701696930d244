package io.tenantry.metadata.audit;

import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;

import io.quarkus.security.Authenticated;
import io.tenantry.common.paging.Page;
import io.tenantry.metadata.access.AccessGuard;
import io.tenantry.common.Permission;

/** One organization's audit trail, for its members with the audit:read permission. */
@Path("/api/v1/orgs/{orgId}/audit")
@Authenticated
public class AuditResource {

    @Inject
    AuditLog audit;

    @Inject
    AccessGuard guard;

    @GET
    public Page<AuditLog.AuditView> forOrganization(@PathParam("orgId") String orgId,
                                                    @QueryParam("action") @Size(max = 100) String action,
                                                    @QueryParam("actor") @Size(max = 100) String actor,
                                                    @QueryParam("after") String after,
                                                    @QueryParam("limit") @DefaultValue(Page.DEFAULT_LIMIT) @Min(1) @Max(Page.MAX_LIMIT) int limit) {
        guard.require(orgId, Permission.AUDIT_READ);
        return audit.search(new AuditLog.AuditQuery(orgId, action, actor, after), limit);
    }
}
