package io.tenantry.provisioner.downgrade;

import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;

import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Takes one tenant back to an older results schema version, in one transaction; platform administrators only. The
 * whole fleet goes down by a rollout with a target version.
 */
@Path("/api/v1/tenants/{orgId}/downgrade")
@RolesAllowed("platform-admin")
public class DowngradeResource {

    @Inject
    TenantDowngrades downgrades;

    @Inject
    JsonWebToken caller;

    @POST
    public DowngradeResult downgrade(@PathParam("orgId") String orgId, @Valid @NotNull DowngradeRequest request) {
        return downgrades.downgrade(orgId, request.targetVersion(), caller.getSubject());
    }
}
