package io.tenantry.provisioner.reconcile;

import java.io.IOException;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tenantry.common.OrgId;
import io.tenantry.common.TenantCredentials;
import io.tenantry.provisioner.placement.Placement;
import io.tenantry.provisioner.registry.Tenant;
import io.tenantry.provisioner.registry.TenantRegistry;
import io.tenantry.provisioner.tenant.TenantDatabase;

/** One organization's way from what it is to what it should be: provision, suspend, resume or delete. */
@ApplicationScoped
public class TenantLifecycle {

    private static final Logger LOG = Logger.getLogger(TenantLifecycle.class);

    @Inject
    Organizations organizations;

    @Inject
    TenantRegistry registry;

    @Inject
    Placement placement;

    @Inject
    TenantDatabase databases;

    @Inject
    MeterRegistry metrics;

    /** Returns true when the organization moved. */
    public boolean advance(Organizations.Desired org) throws SQLException {
        OrgId orgId = OrgId.of(org.orgId());
        return switch (org.desiredState()) {
            case "active" -> switch (org.status()) {
                case "requested", "provisioning" -> provision(orgId, org);
                case "suspended" -> resume(orgId);
                default -> false;
            };
            // A tenant suspended before it was ever created is created first, then suspended on the next pass.
            case "suspended" -> switch (org.status()) {
                case "requested", "provisioning" -> provision(orgId, org);
                case "active" -> suspend(orgId);
                default -> false;
            };
            case "deleted" -> !"deleted".equals(org.status()) && delete(orgId, org.status());
            default -> false;
        };
    }

    private boolean provision(OrgId orgId, Organizations.Desired org) throws SQLException {
        if ("requested".equals(org.status())) {
            organizations.report(orgId.value(), "requested", "provisioning", null);
        }
        Timer.Sample sample = Timer.start(metrics);
        try {
            Tenant tenant = registry.find(orgId.value()).orElse(null);
            if (tenant == null) {
                String server = placement.choose(org.region()).orElse(null);
                if (server == null) {
                    return fail(orgId, "provisioning", "no server in region '" + org.region() + "' has room");
                }
                tenant = registry.place(orgId.value(), server, orgId.databaseName(), TenantCredentials.roleName(orgId));
            }
            databases.ensureRole(tenant.server(), orgId, tenant.credentialGeneration());
            databases.ensureDatabase(tenant.server(), orgId).ifPresent(version ->
                    registry.recordMigration(orgId.value(), version, "copied from the template database", 0));
            List<TenantDatabase.Migration> applied = databases.prepare(tenant.server(), orgId);
            applied.forEach(m -> registry.recordMigration(orgId.value(), m.version(), m.description(), m.durationMs()));
            registry.setSchemaVersion(orgId.value(), databases.schemaVersion(tenant.server(), orgId));
            registry.setStatus(orgId.value(), "active", null);
            organizations.report(orgId.value(), "provisioning", "active", null);
            sample.stop(metrics.timer("tenantry_provisioning_seconds"));
            LOG.infof("provisioned %s on %s", orgId, tenant.server());
            return true;
        } catch (SQLException | RuntimeException e) {
            if (TransientFailures.isTransient(e)) {
                throw new TransientFailures.TransientFailure("provisioning " + orgId + " paused: " + e.getMessage(), e);
            }
            return fail(orgId, "provisioning", "provisioning failed: " + e.getMessage());
        }
    }

    private boolean suspend(OrgId orgId) throws SQLException {
        Tenant tenant = registry.find(orgId.value()).orElseThrow();
        databases.suspend(tenant.server(), orgId);
        registry.setStatus(orgId.value(), "suspended", null);
        organizations.report(orgId.value(), "active", "suspended", null);
        return true;
    }

    private boolean resume(OrgId orgId) throws SQLException {
        Tenant tenant = registry.find(orgId.value()).orElseThrow();
        databases.resume(tenant.server(), orgId);
        registry.setStatus(orgId.value(), "active", null);
        organizations.report(orgId.value(), "suspended", "active", null);
        return true;
    }

    /** Exports, then drops. A tenant never provisioned has nothing to export or drop. */
    private boolean delete(OrgId orgId, String status) throws SQLException {
        if (!"deleting".equals(status)) {
            organizations.report(orgId.value(), status, "deleting", null);
        }
        Tenant tenant = registry.find(orgId.value()).orElse(null);
        try {
            if (tenant != null && !"deleted".equals(tenant.status())) {
                registry.setStatus(orgId.value(), "deleting", null);
                if (databases.databaseExists(tenant.server(), orgId)) {
                    Path export = databases.export(tenant.server(), orgId);
                    registry.setExportLocation(orgId.value(), export.toString());
                }
                databases.drop(tenant.server(), orgId);
                registry.setStatus(orgId.value(), "deleted", null);
            }
            organizations.report(orgId.value(), "deleting", "deleted",
                    tenant == null ? null : "exported to " + registry.find(orgId.value()).map(Tenant::exportLocation).orElse("nowhere"));
            return true;
        } catch (SQLException | IOException | RuntimeException e) {
            if (TransientFailures.isTransient(e)) {
                throw new TransientFailures.TransientFailure("deleting " + orgId + " paused: " + e.getMessage(), e);
            }
            return fail(orgId, "deleting", "deletion failed: " + e.getMessage());
        }
    }

    private boolean fail(OrgId orgId, String from, String reason) throws SQLException {
        LOG.warnf("%s: %s", orgId, reason);
        metrics.counter("tenantry_reconcile_errors_total").increment();
        if (registry.find(orgId.value()).isPresent()) {
            registry.setStatus(orgId.value(), "failed", reason);
        }
        organizations.report(orgId.value(), from, "failed", reason.length() > 2000 ? reason.substring(0, 2000) : reason);
        return false;
    }
}
