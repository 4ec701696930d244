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
import io.quarkus.scheduler.Scheduled;
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
 * newly onboarded tenant. The request checks the manifest (its checksum, its organization, a schema this build
 * has); the rest runs in the background as recorded steps: the backup is loaded into a fresh database beside the
 * tenant's own while the tenant keeps serving (every file's checksum and row count checked before it commits);
 * the tenant closes (results-service answers 503 with Retry-After), the two databases swap names, the tenant's role
 * and grants are applied to the restored one and it is migrated to the fleet's version, and the tenant opens again;
 * the replaced database, written no more, becomes the safety backup and is dropped. Until the swap the tenant's own
 * database is untouched, so a failure before it leaves the old one serving; from the swap on the restore is
 * finished forward, by a resumed provisioner if this one dies.
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

    /**
     * Resumes what the last attempt left unfinished: a restore stopped after its swap by a failure (a server
     * restarting, say) keeps its tenant closed until it is driven on, so it must not wait for the next start.
     */
    @Scheduled(every = "30s", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            resumeInterrupted();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("resuming unfinished restores: %s", e.getMessage());
        }
    }

    /**
     * Drives to their end the restores left unfinished (by a killed process, or stopped after the swap by a
     * failure), unless another process or thread holds the tenant.
     */
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

    /**
     * Takes the restore from its recorded step to its end: the restored database is built while the tenant still
     * serves from its own ({@code building}); the tenant closes only for the swap ({@code swapped}) and opens on the
     * restored database ({@code migrated}); the replaced database, written no more, is backed up as the safety
     * backup and dropped ({@code done}).
     */
    private void drive(UUID id) {
        RestoreView restore = store.find(id).orElseThrow();
        Tenant tenant = registry.find(restore.orgId()).orElseThrow();
        OrgId orgId = OrgId.of(restore.orgId());
        String server = tenant.server();
        String step = restore.step();
        try {
            if (RestoreStore.REQUESTED.equals(step) || RestoreStore.BUILDING.equals(step)) {
                if (!swapHappened(server, orgId)) {
                    // A provisioner killed during the swap left the tenant closed; it serves while the build runs.
                    databases.reopen(server, orgId);
                    open(orgId);
                    store.step(id, RestoreStore.BUILDING);
                    build(restore, server, orgId);
                    close(orgId);
                    databases.swapIn(server, orgId, TenantDatabases.restoringName(orgId));
                }
                store.step(id, RestoreStore.SWAPPED);
                step = RestoreStore.SWAPPED;
            }
            if (RestoreStore.SWAPPED.equals(step)) {
                openRestored(tenant, orgId);
                store.step(id, RestoreStore.MIGRATED);
                step = RestoreStore.MIGRATED;
            }
            if (RestoreStore.MIGRATED.equals(step)) {
                UUID safety = restore.safetyBackupId();
                String replaced = TenantDatabases.replacedName(orgId);
                if (safety == null && databases.exists(server, replaced)) {
                    databases.openToAdministratorOnly(server, orgId, replaced);
                    safety = backups.take(tenant, replaced, BackupReason.BEFORE_RESTORE, restore.requestedBy()).id();
                    store.safetyBackup(id, safety);
                }
                databases.dropNamed(server, replaced);
                store.finish(id, RestoreStore.DONE, null);
                audit(restore, orgId, safety);
                metrics.counter("tenantry_restores_total", "outcome", "done").increment();
                LOG.infof("restored %s from backup %s of %s", orgId, restore.backupId(), restore.sourceOrgId());
            }
        } catch (SQLException | IOException | RuntimeException e) {
            String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (RestoreStore.REQUESTED.equals(step) || RestoreStore.BUILDING.equals(step)) {
                giveUp(id, server, orgId, error);
            } else {
                // The restored database is in place; a resumed restore finishes the rest.
                store.error(id, error);
                LOG.errorf("restore %s of %s stopped after the swap (resumed within 30 s): %s", id, orgId, error);
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

    /** Grants, the fleet's schema version and session limits on the restored database; then the tenant opens. */
    private void openRestored(Tenant tenant, OrgId orgId) throws SQLException {
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
        open(orgId);
    }

    private void audit(RestoreView restore, OrgId orgId, UUID safetyBackup) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("backup", restore.backupId().toString());
        details.put("sourceOrgId", restore.sourceOrgId());
        details.put("safetyBackup", String.valueOf(safetyBackup));
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
            open(orgId);
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

    /** Clears the maintenance mark, if there is one, and tells results-service. */
    private void open(OrgId orgId) {
        if (registry.find(orgId.value()).map(Tenant::maintenance).isPresent()) {
            registry.setMaintenance(orgId.value(), null);
            changes.announce(orgId.value());
        }
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
