package io.tenantry.results.databasehealth;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.smallrye.mutiny.Uni;
import io.tenantry.common.Permission;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.results.access.TenantAccess;
import io.tenantry.results.store.DatabaseHealthStore;
import io.tenantry.results.store.DatabaseHealthView;

/**
 * An organization's administrators see their own tenant database's health, as the provisioner last measured it.
 * No permission names this view; {@code audit:read} is the read that only the org-admin role holds among the
 * system roles (the operational oversight of the organization), so it gates this too.
 */
@ApplicationScoped
public class DatabaseHealthService {

    private static final Permission REQUIRED = Permission.AUDIT_READ;

    @Inject
    TenantAccess access;

    @Inject
    DatabaseHealthStore store;

    public Uni<DatabaseHealthView> current(String orgId) {
        return access.authorize(orgId, REQUIRED)
                .chain(() -> store.current(orgId))
                .map(found -> found.orElseThrow(() -> ApiProblem.notFound("the database of organization '" + orgId
                        + "' has not been measured yet; active tenants are measured every few minutes")));
    }
}
