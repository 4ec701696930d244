package io.tenantry.metadata.audit;

import jakarta.inject.Inject;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Size;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.QueryParam;

import io.quarkus.security.Authenticated;
import io.tenantry.common.paging.Page;
import io.tenantry.metadata.security.AccessGuard;

/** The whole platform's audit trail, for platform administrators. */
@Path("/api/v1/audit")
@Authenticated
public class PlatformAuditResource {

    @Inject
    AuditTrail trail;

    @Inject
    AccessGuard guard;

    @GET
    public Page<AuditTrail.AuditView> all(@QueryParam("orgId") @Size(max = 40) String orgId,
                                          @QueryParam("action") @Size(max = 100) String action,
                                          @QueryParam("actor") @Size(max = 100) String actor,
                                          @QueryParam("after") String after,
                                          @QueryParam("limit") @DefaultValue(Page.DEFAULT_LIMIT) @Min(1) @Max(Page.MAX_LIMIT) int limit) {
        guard.requirePlatformAdmin();
        return trail.search(new AuditTrail.AuditQuery(orgId, action, actor, after), limit);
    }
}
