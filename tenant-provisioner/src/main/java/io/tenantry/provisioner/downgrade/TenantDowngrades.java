package io.tenantry.provisioner.downgrade;

import java.sql.SQLException;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.tenantry.common.OrgId;
import io.tenantry.common.lifecycle.OrganizationStatus;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.provisioner.locks.AdvisoryLocks;
import io.tenantry.provisioner.registry.Tenant;
import io.tenantry.provisioner.registry.TenantRegistry;
import io.tenantry.provisioner.tenant.ResultsMigrations;
import io.tenantry.provisioner.tenant.TenantDowngrade;

/**
 * Downgrades one tenant alone, as an operator asks over REST or the command line: under the tenant's advisory lock,
 * so no reconcile of it runs meanwhile, and recorded in the registry as a migration "downgraded from" its version.
 */
@ApplicationScoped
public class TenantDowngrades {

    @Inject
    TenantRegistry registry;

    @Inject
    AdvisoryLocks locks;

    @Inject
    TenantDowngrade downgrade;

    @Inject
    ResultsMigrations migrations;

    public DowngradeResult downgrade(String orgId, String targetVersion) {
        OrgId id = OrgId.of(orgId);
        TenantDowngrade.requireReleased(targetVersion);
        Tenant tenant = registry.find(orgId).orElseThrow(() -> ApiProblem.notFound("tenant " + orgId + " not found"));
        if (tenant.status() != OrganizationStatus.ACTIVE && tenant.status() != OrganizationStatus.SUSPENDED) {
            throw ApiProblem.conflict(orgId + " is " + tenant.status().wire() + "; only active or suspended tenants"
                    + " can be downgraded");
        }
        try {
            Optional<AdvisoryLocks.Lock> lock = locks.tryTenant(orgId);
            if (lock.isEmpty()) {
                throw ApiProblem.conflict(orgId + " is being changed by another operation; try again shortly");
            }
            try (AdvisoryLocks.Lock held = lock.get()) {
                TenantDowngrade.Result result = downgrade.downgrade(tenant.server(), id, targetVersion,
                        migrations.locations());
                if (!result.undone().isEmpty()) {
                    registry.recordMigration(orgId, result.toVersion(), "downgraded from " + result.fromVersion(),
                            result.durationMs());
                    registry.setSchemaVersion(orgId, result.toVersion());
                }
                return new DowngradeResult(orgId, result.fromVersion(), result.toVersion(), result.undone(),
                        result.durationMs());
            }
        } catch (SQLException e) {
            throw ApiProblem.databaseUnavailable("a database did not answer: " + e.getSQLState(), 5);
        }
    }
}
