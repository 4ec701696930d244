package io.tenantry.provisioner.reconcile;

import static io.tenantry.common.lifecycle.OrganizationStatus.ACTIVE;
import static io.tenantry.common.lifecycle.OrganizationStatus.DELETED;
import static io.tenantry.common.lifecycle.OrganizationStatus.DELETING;
import static io.tenantry.common.lifecycle.OrganizationStatus.FAILED;
import static io.tenantry.common.lifecycle.OrganizationStatus.PROVISIONING;
import static io.tenantry.common.lifecycle.OrganizationStatus.REQUESTED;
import static io.tenantry.common.lifecycle.OrganizationStatus.SUSPENDED;

import java.io.IOException;
import java.sql.SQLException;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.tenantry.common.OrgId;
import io.tenantry.common.lifecycle.OrganizationStatus;
import io.tenantry.provisioner.backup.BackupReason;
import io.tenantry.provisioner.backup.Backups;
import io.tenantry.provisioner.jdbc.TransientFailures;
import io.tenantry.provisioner.placement.Placement;
import io.tenantry.provisioner.registry.Tenant;
import io.tenantry.provisioner.registry.TenantRegistry;
import io.tenantry.provisioner.spare.SparePool;
import io.tenantry.provisioner.tenant.TenantDatabases;
import io.tenantry.provisioner.tenant.TenantMigrations;
import io.tenantry.provisioner.tenant.TenantRoles;

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
    TenantRoles roles;

    @Inject
    TenantDatabases databases;

    @Inject
    TenantMigrations migrations;

    @Inject
    SparePool spares;

    @Inject
    Backups backups;

    @Inject
    MeterRegistry metrics;

    /** Takes the organization's next step towards its desired state; returns true when it moved. */
    public boolean advance(Organizations.Lifecycle org) throws SQLException {
        OrgId orgId = OrgId.of(org.orgId());
        Optional<LifecycleStep> step = LifecycleStep.toward(org.desiredState(), org.status());
        if (step.isEmpty()) {
            return false;
        }
        return switch (step.get()) {
            case PROVISION -> provision(orgId, org);
            case SUSPEND -> suspend(orgId);
            case RESUME -> resume(orgId);
            case DELETE -> delete(orgId, org.status());
        };
    }

    private boolean provision(OrgId orgId, Organizations.Lifecycle org) throws SQLException {
        if (org.status() == REQUESTED) {
            organizations.report(orgId.value(), REQUESTED, PROVISIONING, null);
        }
        Timer.Sample sample = Timer.start(metrics);
        try {
            Optional<Tenant> tenant = placement.place(orgId, org.region());
            if (tenant.isEmpty()) {
                return fail(orgId, PROVISIONING, "no server in region '" + org.region() + "' has room");
            }
            build(orgId, tenant.get());
            registry.setStatus(orgId.value(), ACTIVE, null);
            organizations.report(orgId.value(), PROVISIONING, ACTIVE, null);
            sample.stop(metrics.timer("tenantry_provisioning_seconds"));
            LOG.infof("provisioned %s on %s", orgId, tenant.get().server());
            return true;
        } catch (SQLException | RuntimeException e) {
            if (TransientFailures.isTransient(e)) {
                throw new TransientFailures.TransientFailure("provisioning " + orgId + " paused: " + e.getMessage(), e);
            }
            return fail(orgId, PROVISIONING, "provisioning failed: " + e.getMessage());
        }
    }

    /**
     * Role, database, access, schema: each step is safe to repeat, and the registry records what was applied. The
     * database is a spare renamed when one is ready on the server, already at the newest schema, so only the grants
     * remain; otherwise it is made and migrated here.
     */
    private void build(OrgId orgId, Tenant tenant) throws SQLException {
        String server = tenant.server();
        roles.ensure(server, orgId, tenant.credentialGeneration());
        registry.setSessionLimits(orgId.value(), roles.sessionLimits());
        Optional<String> spareVersion = spares.takeFor(server, orgId);
        if (spareVersion.isPresent()) {
            migrations.grantTables(server, orgId);
            registry.recordMigration(orgId.value(), spareVersion.get(), "renamed from a spare database", 0);
            registry.setSchemaVersion(orgId.value(), spareVersion.get());
            return;
        }
        databases.ensure(server, orgId).ifPresent(version ->
                registry.recordMigration(orgId.value(), version, "copied from the template database", 0));
        roles.grantConnect(server, orgId);
        migrations.prepare(server, orgId).forEach(m ->
                registry.recordMigration(orgId.value(), m.version(), m.description(), m.durationMs()));
        registry.setSchemaVersion(orgId.value(), migrations.schemaVersion(server, orgId));
    }

    private boolean suspend(OrgId orgId) throws SQLException {
        Tenant tenant = registry.find(orgId.value()).orElseThrow();
        roles.lockOut(tenant.server(), orgId);
        registry.setStatus(orgId.value(), SUSPENDED, null);
        organizations.report(orgId.value(), ACTIVE, SUSPENDED, null);
        return true;
    }

    private boolean resume(OrgId orgId) throws SQLException {
        Tenant tenant = registry.find(orgId.value()).orElseThrow();
        roles.grantConnect(tenant.server(), orgId);
        roles.limitSessions(tenant.server(), orgId);
        registry.setStatus(orgId.value(), ACTIVE, null);
        organizations.report(orgId.value(), SUSPENDED, ACTIVE, null);
        return true;
    }

    /**
     * Takes a final backup (kept whatever the retention), then drops the database and the role. A tenant never
     * provisioned has nothing to back up or drop.
     */
    private boolean delete(OrgId orgId, OrganizationStatus status) throws SQLException {
        if (status != DELETING) {
            organizations.report(orgId.value(), status, DELETING, null);
        }
        Optional<Tenant> tenant = registry.find(orgId.value());
        try {
            if (tenant.isPresent() && tenant.get().status() != DELETED) {
                String server = tenant.get().server();
                registry.setStatus(orgId.value(), DELETING, null);
                if (databases.exists(server, orgId)) {
                    registry.setExportLocation(orgId.value(),
                            backups.take(tenant.get(), BackupReason.DELETION, Organizations.ACTOR).location());
                }
                databases.drop(server, orgId);
                roles.drop(server, orgId);
                registry.setStatus(orgId.value(), DELETED, null);
            }
            String reason = tenant.isEmpty() ? null : "final backup at "
                    + registry.find(orgId.value()).map(Tenant::exportLocation).orElse("nowhere");
            organizations.report(orgId.value(), DELETING, DELETED, reason);
            return true;
        } catch (SQLException | IOException | RuntimeException e) {
            if (TransientFailures.isTransient(e)) {
                throw new TransientFailures.TransientFailure("deleting " + orgId + " paused: " + e.getMessage(), e);
            }
            return fail(orgId, DELETING, "deletion failed: " + e.getMessage());
        }
    }

    private boolean fail(OrgId orgId, OrganizationStatus from, String reason) throws SQLException {
        LOG.warnf("%s: %s", orgId, reason);
        metrics.counter("tenantry_reconcile_errors_total").increment();
        if (registry.find(orgId.value()).isPresent()) {
            registry.setStatus(orgId.value(), FAILED, reason);
        }
        organizations.report(orgId.value(), from, FAILED, reason.length() > 2000 ? reason.substring(0, 2000) : reason);
        return false;
    }
}
