package io.tenantry.provisioner.downgrade;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.tenantry.common.OrgId;
import io.tenantry.common.lifecycle.OrganizationStatus;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.provisioner.audit.AuditTrail;
import io.tenantry.provisioner.backup.BackupReason;
import io.tenantry.provisioner.backup.Backups;
import io.tenantry.provisioner.locks.AdvisoryLocks;
import io.tenantry.provisioner.registry.Tenant;
import io.tenantry.provisioner.registry.TenantRegistry;
import io.tenantry.provisioner.tenant.ResultsMigrations;
import io.tenantry.provisioner.tenant.TenantDowngrade;
import io.tenantry.provisioner.tenant.TenantMigrations;

/**
 * Downgrades one tenant alone, as an operator asks over REST or the command line: under the tenant's advisory lock,
 * so no reconcile of it runs meanwhile, after a backup (unless turned off), recorded in the audit log and in the registry as a migration "downgraded from" its version.
 */
@ApplicationScoped
public class TenantDowngrades {

    @Inject
    TenantRegistry registry;

    @Inject
    AdvisoryLocks locks;

    @Inject
    ResultsMigrations migrations;

    @Inject
    TenantMigrations tenantMigrations;

    @Inject
    Backups backups;

    @Inject
    AuditTrail audit;

    public DowngradeResult downgrade(String orgId, String targetVersion, String requestedBy) {
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
            try (AdvisoryLocks.Lock held = lock.get();
                 TenantMigrations.Session schema = tenantMigrations.open(tenant.server(), id)) {
                if (backups.backsUpBeforeRollouts()
                        && schema.plan(migrations.locations(), targetVersion).changes()) {
                    backups.take(tenant, BackupReason.BEFORE_ROLLOUT, requestedBy);
                }
                TenantDowngrade.Result result = schema.downgrade(targetVersion, migrations.locations());
                if (!result.undone().isEmpty()) {
                    registry.recordMigration(orgId, result.toVersion(), "downgraded from " + result.fromVersion(),
                            result.durationMs());
                    registry.setSchemaVersion(orgId, result.toVersion());
                    audit.record(requestedBy, orgId, "tenant.downgrade", orgId, Map.of("from",
                            String.valueOf(result.fromVersion()), "to", result.toVersion(), "undone", result.undone()));
                }
                return new DowngradeResult(orgId, result.fromVersion(), result.toVersion(), result.undone(),
                        result.durationMs());
            }
        } catch (IOException e) {
            throw ApiProblem.databaseUnavailable("the backup before the downgrade could not be written: "
                    + e.getMessage(), 5);
        } catch (SQLException e) {
            throw ApiProblem.databaseUnavailable("a database did not answer: " + e.getSQLState(), 5);
        }
    }
}
