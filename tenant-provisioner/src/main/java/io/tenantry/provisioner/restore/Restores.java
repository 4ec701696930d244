package io.tenantry.provisioner.restore;

import java.io.IOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.tenantry.common.OrgId;
import io.tenantry.common.lifecycle.OrganizationStatus;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.provisioner.audit.AuditTrail;
import io.tenantry.provisioner.backup.BackupLoader;
import io.tenantry.provisioner.backup.BackupManifest;
import io.tenantry.provisioner.backup.BackupReason;
import io.tenantry.provisioner.backup.BackupVerifier;
import io.tenantry.provisioner.backup.BackupView;
import io.tenantry.provisioner.backup.Backups;
import io.tenantry.provisioner.locks.AdvisoryLocks;
import io.tenantry.provisioner.reconcile.TenantChanges;
import io.tenantry.provisioner.registry.Tenant;
import io.tenantry.provisioner.registry.TenantRegistry;
import io.tenantry.provisioner.servers.TenantServers;
import io.tenantry.provisioner.tenant.TenantDatabases;
import io.tenantry.provisioner.tenant.TenantMigrations;
import io.tenantry.provisioner.tenant.TenantRoles;

/**
 * Restores a tenant's database from a backup, in place or (a clone) from another organization's backup into a
 * newly onboarded tenant. The backup is verified (read whole, every checksum) before anything changes; then the tenant is closed for maintenance
 * (results-service answers 503 with Retry-After), a safety backup of its current state is taken, the backup is
 * loaded into a fresh database beside the tenant's own, the two are swapped by renaming, the tenant's role and
 * grants are applied to the restored database and it is migrated to the fleet's version before it opens again.
 * Until the swap the tenant's own database is untouched, so a failure before it leaves the old one serving; from
 * the swap on the restore is finished forward, by a resumed provisioner if this one dies.
 */
@ApplicationScoped
public class Restores {

    private static final Logger LOG = Logger.getLogger(Restores.class);
    private static final String MAINTENANCE = "restoring";

    @Inject
    RestoreStore store;

    @Inject
    Backups backups;

    @Inject
    BackupVerifier verifier;

    @Inject
    BackupLoader loader;

    @Inject
    TenantRegistry registry;

    @Inject
    TenantDatabases databases;

    @Inject
    TenantMigrations migrations;

    @Inject
    TenantRoles roles;

    @Inject
    TenantServers servers;

    @Inject
    TenantChanges changes;

    @Inject
    AdvisoryLocks locks;

    @Inject
    AuditTrail audit;

    @Inject
    ManagedExecutor background;

    @Inject
    MeterRegistry metrics;

    /** Restores the tenant in place from one of its own backups, in the background. */
    public RestoreView restore(String orgId, UUID backupId, String requestedBy) {
        return begin(orgId, orgId, backupId, requestedBy);
    }

    /** Loads another organization's backup into this tenant, which must hold no jobs yet (a new onboarding). */
    public RestoreView cloneInto(String orgId, String sourceOrgId, UUID backupId, String requestedBy) {
        OrgId.of(sourceOrgId);
        if (orgId.equals(sourceOrgId)) {
            throw ApiProblem.invalid("sourceOrgId", "a clone goes into another organization; restore in place instead");
        }
        return begin(orgId, sourceOrgId, backupId, requestedBy);
    }

    public RestoreView view(String orgId, UUID id) {
        OrgId.of(orgId);
        return store.find(id).filter(r -> r.orgId().equals(orgId))
                .orElseThrow(() -> ApiProblem.notFound("restore " + id + " of '" + orgId + "' not found"));
    }

    public List<RestoreView> list(String orgId) {
        OrgId.of(orgId);
        return store.list(orgId);
    }

    /** Drives to their end the restores a killed process left unfinished, unless another process holds the tenant. */
    public int resumeInterrupted() throws SQLException {
        int resumed = 0;
        for (RestoreView restore : store.unfinished()) {
            Optional<AdvisoryLocks.Lock> lock = locks.tryTenant(restore.orgId());
            if (lock.isPresent()) {
                try (AdvisoryLocks.Lock held = lock.get()) {
                    LOG.infof("resuming restore %s of %s at step %s", restore.id(), restore.orgId(), restore.step());
                    drive(restore.id());
                    resumed++;
                }
            }
        }
        return resumed;
    }

    public void resumeInterruptedInBackground() {
        background.runAsync(() -> {
            try {
                resumeInterrupted();
            } catch (SQLException | RuntimeException e) {
                LOG.errorf(e, "could not resume interrupted restores");
            }
        });
    }

    private RestoreView begin(String orgId, String sourceOrgId, UUID backupId, String requestedBy) {
        OrgId target = OrgId.of(orgId);
        Tenant tenant = registry.find(orgId).orElseThrow(() -> ApiProblem.notFound("tenant '" + orgId + "' not found"));
        if (!tenant.holdsData() || tenant.maintenance() != null) {
            throw ApiProblem.conflict("tenant '" + orgId + "' is " + (tenant.maintenance() != null
                    ? "under maintenance" : tenant.status().wire()) + "; only an active or suspended tenant can be restored");
        }
        BackupView backup = backups.get(sourceOrgId, backupId);
        if (!backup.completed()) {
            throw ApiProblem.conflict("backup " + backupId + " is " + backup.status() + "; only a completed one restores");
        }
        BackupManifest manifest = manifest(sourceOrgId, backup);
        BackupVerifier.Verification verification = verifier.verify(OrgId.of(sourceOrgId), backupId,
                backup.manifestSha256());
        if (!verification.intact()) {
            throw ApiProblem.unprocessable("backup " + backupId + " is damaged and cannot be restored: "
                    + String.join("; ", verification.problems()));
        }
        if (!migrations.knowsAll(tenant.server(), target.databaseName(), checksums(manifest))) {
            throw ApiProblem.unprocessable("backup " + backupId + " is at schema version " + manifest.schemaVersion()
                    + ", whose migrations this build does not have (or has with other contents)");
        }
        if (!sourceOrgId.equals(orgId) && holdsJobs(tenant)) {
            throw ApiProblem.conflict("tenant '" + orgId + "' already holds jobs; a clone goes into a new organization");
        }
        AdvisoryLocks.Lock lock = locks.tenantOrConflict(orgId);
        UUID id = UUID.randomUUID();
        try {
            store.create(id, orgId, sourceOrgId, backupId, manifest.totalRows(), requestedBy);
        } catch (RuntimeException e) {
            closeQuietly(lock);
            throw e;
        }
        background.runAsync(() -> {
            try (AdvisoryLocks.Lock held = lock) {
                drive(id);
            } catch (Exception e) {
                LOG.errorf(e, "restore %s of %s", id, orgId);
            }
        });
        return store.find(id).orElseThrow();
    }

    /** Takes the restore from its recorded step to its end. */
    private void drive(UUID id) {
        RestoreView restore = store.find(id).orElseThrow();
        Tenant tenant = registry.find(restore.orgId()).orElseThrow();
        OrgId orgId = OrgId.of(restore.orgId());
        String server = tenant.server();
        String step = restore.step();
        try {
            if (RestoreStore.REQUESTED.equals(step)) {
                close(orgId);
                UUID safety = backups.take(tenant, BackupReason.BEFORE_RESTORE, restore.requestedBy()).id();
                store.safetyBackup(id, safety);
                step = RestoreStore.SAFETY_BACKUP;
            }
            if (RestoreStore.SAFETY_BACKUP.equals(step) || RestoreStore.BUILDING.equals(step)) {
                close(orgId);
                if (!swapHappened(server, orgId)) {
                    store.step(id, RestoreStore.BUILDING);
                    build(restore, server, orgId);
                    databases.swapIn(server, orgId, TenantDatabases.restoringName(orgId));
                }
                store.step(id, RestoreStore.SWAPPED);
                step = RestoreStore.SWAPPED;
            }
            if (RestoreStore.SWAPPED.equals(step)) {
                open(restore, tenant, orgId);
                store.finish(id, RestoreStore.DONE, null);
                metrics.counter("tenantry_restores_total", "outcome", "done").increment();
                LOG.infof("restored %s from backup %s of %s", orgId, restore.backupId(), restore.sourceOrgId());
            }
        } catch (SQLException | IOException | RuntimeException e) {
            String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (RestoreStore.SWAPPED.equals(step)) {
                // The restored database is in place; a resumed restore finishes opening it.
                store.error(id, error);
                LOG.errorf("restore %s of %s: the restored database is in place but not open yet: %s", id, orgId, error);
            } else {
                giveUp(id, server, orgId, error);
            }
        }
    }

    /** Whether the tenant's name already belongs to the restored database (a crash came between swap and record). */
    private boolean swapHappened(String server, OrgId orgId) throws SQLException {
        return !databases.exists(server, TenantDatabases.restoringName(orgId))
                && databases.exists(server, TenantDatabases.replacedName(orgId));
    }

    private void build(RestoreView restore, String server, OrgId orgId) throws SQLException, IOException {
        BackupManifest manifest = manifest(restore.sourceOrgId(), backups.get(restore.sourceOrgId(), restore.backupId()));
        String restoring = TenantDatabases.restoringName(orgId);
        databases.createEmpty(server, restoring);
        migrations.buildSchemaAt(server, restoring, manifest.schemaVersion());
        loader.load(server, restoring, OrgId.of(restore.sourceOrgId()), manifest,
                rows -> store.progress(restore.id(), rows));
    }

    /** Grants, the fleet's schema version, session limits; then the tenant opens and the old database goes. */
    private void open(RestoreView restore, Tenant tenant, OrgId orgId) throws SQLException {
        String server = tenant.server();
        if (tenant.status() == OrganizationStatus.SUSPENDED) {
            roles.lockOut(server, orgId);
        } else {
            roles.grantConnect(server, orgId);
        }
        migrations.prepare(server, orgId).forEach(m ->
                registry.recordMigration(orgId.value(), m.version(), m.description() + " (after a restore)", m.durationMs()));
        registry.setSchemaVersion(orgId.value(), migrations.schemaVersion(server, orgId));
        roles.limitSessions(server, orgId);
        registry.setMaintenance(orgId.value(), null);
        changes.announce(orgId.value());
        databases.dropNamed(server, TenantDatabases.replacedName(orgId));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("backup", restore.backupId().toString());
        details.put("sourceOrgId", restore.sourceOrgId());
        details.put("safetyBackup", String.valueOf(restore.safetyBackupId()));
        audit.record(restore.requestedBy(), orgId.value(),
                restore.sourceOrgId().equals(orgId.value()) ? "tenant.restore" : "tenant.clone",
                restore.id().toString(), details);
    }

    /** Before the swap: the half-built database goes, the tenant's own opens again as it was. */
    private void giveUp(UUID id, String server, OrgId orgId, String error) {
        LOG.warnf("restore %s of %s failed before the swap; the tenant keeps its database: %s", id, orgId, error);
        try {
            databases.dropNamed(server, TenantDatabases.restoringName(orgId));
            databases.reopen(server, orgId);
            registry.setMaintenance(orgId.value(), null);
            changes.announce(orgId.value());
            store.finish(id, RestoreStore.FAILED, error);
            metrics.counter("tenantry_restores_total", "outcome", "failed").increment();
        } catch (SQLException | RuntimeException e) {
            store.error(id, error + "; cleaning up failed too: " + e.getMessage());
        }
    }

    private void close(OrgId orgId) {
        registry.setMaintenance(orgId.value(), MAINTENANCE);
        changes.announce(orgId.value());
    }

    private BackupManifest manifest(String sourceOrgId, BackupView backup) {
        try {
            return verifier.manifest(OrgId.of(sourceOrgId), backup.id(), backup.manifestSha256());
        } catch (IOException e) {
            throw ApiProblem.unprocessable("backup " + backup.id() + " cannot be restored: " + e.getMessage());
        }
    }

    private static Map<String, Integer> checksums(BackupManifest manifest) {
        Map<String, Integer> checksums = new LinkedHashMap<>();
        manifest.migrations().stream().filter(m -> m.version() != null)
                .forEach(m -> checksums.put(m.version(), m.checksum()));
        return checksums;
    }

    private boolean holdsJobs(Tenant tenant) {
        try (Connection c = servers.admin(tenant.server(), tenant.databaseName()); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM jobs)")) {
            rs.next();
            return rs.getBoolean(1);
        } catch (SQLException e) {
            throw ApiProblem.databaseUnavailable("the database of '" + tenant.orgId() + "' cannot be read: "
                    + e.getMessage(), 5);
        }
    }

    private static void closeQuietly(AdvisoryLocks.Lock lock) {
        try {
            lock.close();
        } catch (SQLException e) {
            LOG.debugf("releasing a tenant lock: %s", e.getMessage());
        }
    }
}
