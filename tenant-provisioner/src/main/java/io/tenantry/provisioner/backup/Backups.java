package io.tenantry.provisioner.backup;

import java.io.IOException;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.quarkus.runtime.StartupEvent;
import io.tenantry.common.OrgId;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.provisioner.audit.AuditTrail;
import io.tenantry.provisioner.locks.AdvisoryLocks;
import io.tenantry.provisioner.registry.Tenant;
import io.tenantry.provisioner.registry.TenantRegistry;

/**
 * Backups of tenant databases: taken on demand (in the background, under the tenant's lock so nothing else changes
 * the tenant meanwhile), by the schedule, before a rollout migrates a tenant, before a restore and at deletion;
 * listed, verified, and pruned to each tenant's policy.
 */
@ApplicationScoped
public class Backups {

    private static final Logger LOG = Logger.getLogger(Backups.class);
    private static final int MAX_PAGE = 500;

    @Inject
    BackupCatalog catalog;

    @Inject
    BackupWriter writer;

    @Inject
    BackupVerifier verifier;

    @Inject
    BackupStore store;

    @Inject
    TenantRegistry registry;

    @Inject
    AdvisoryLocks locks;

    @Inject
    AuditTrail audit;

    @Inject
    ManagedExecutor background;

    @Inject
    MeterRegistry metrics;

    @Inject
    ProvisionerConfig config;

    /** The store is made at start, so a store without its settings stops the provisioner before it serves. */
    void onStart(@Observes StartupEvent event) {
        store.location(OrgId.of("startup_check"), new UUID(0, 0));
        Gauge.builder("tenantry_backup_stalest_age_seconds", catalog, BackupCatalog::oldestNewestBackupAgeSeconds)
                .description("Age of the newest completed backup of the live tenant whose newest backup is oldest")
                .register(metrics);
        background.runAsync(this::failAbandoned);
    }

    /** Starts a backup in the background; 409 while anything else holds the tenant. */
    public BackupView start(String orgId, String requestedBy) {
        Tenant tenant = backedUpTenant(orgId);
        AdvisoryLocks.Lock lock = locks.tenantOrConflict(orgId);
        UUID id = UUID.randomUUID();
        catalog.create(id, orgId, BackupReason.ON_DEMAND, tenant.server(), store.location(OrgId.of(orgId), id),
                requestedBy);
        background.runAsync(() -> {
            try (AdvisoryLocks.Lock held = lock) {
                run(id, tenant, tenant.databaseName(), BackupReason.ON_DEMAND, requestedBy);
                prune(orgId);
            } catch (Exception e) {
                LOG.warnf("backup %s of %s failed: %s", id, orgId, e.getMessage());
            }
        });
        return catalog.find(id).orElseThrow();
    }

    /** Takes a backup in this thread; the caller keeps other changes off the tenant meanwhile. */
    public BackupView take(Tenant tenant, BackupReason reason, String requestedBy) throws SQLException, IOException {
        return take(tenant, tenant.databaseName(), reason, requestedBy);
    }

    /** Takes a backup of another database of the tenant's (the one a restore replaced), kept as the tenant's. */
    public BackupView take(Tenant tenant, String database, BackupReason reason, String requestedBy)
            throws SQLException, IOException {
        UUID id = UUID.randomUUID();
        catalog.create(id, tenant.orgId(), reason, tenant.server(), store.location(OrgId.of(tenant.orgId()), id),
                requestedBy);
        return run(id, tenant, database, reason, requestedBy);
    }

    /** Whether a rollout backs up each tenant whose schema it is about to change ({@code backups.before-rollout}). */
    public boolean backsUpBeforeRollouts() {
        return config.backups().beforeRollout();
    }

    public List<BackupView> list(String orgId, OffsetDateTime before, Integer limit) {
        OrgId.of(orgId);
        registry.find(orgId).orElseThrow(() -> ApiProblem.notFound("tenant '" + orgId + "' not found"));
        int size = limit == null ? 50 : limit;
        if (size < 1 || size > MAX_PAGE) {
            throw ApiProblem.invalid("limit", "must be between 1 and " + MAX_PAGE);
        }
        return catalog.list(orgId, before, size);
    }

    /** A backup by its id alone, whoever's it is; 404 when there is none. */
    public BackupView find(UUID id) {
        return catalog.find(id).orElseThrow(() -> ApiProblem.notFound("backup " + id + " not found"));
    }

    /** One backup of the organization, or 404 (a backup of another organization is not found here either). */
    public BackupView get(String orgId, UUID id) {
        OrgId.of(orgId);
        return catalog.find(id).filter(b -> b.orgId().equals(orgId))
                .orElseThrow(() -> ApiProblem.notFound("backup " + id + " of '" + orgId + "' not found"));
    }

    public record VerificationView(BackupView backup, boolean intact, List<String> problems) {
    }

    /** Re-reads a completed backup from the store and records the outcome; no database is touched. */
    public VerificationView verify(String orgId, UUID id) {
        BackupView backup = get(orgId, id);
        if (!backup.completed()) {
            throw ApiProblem.conflict("backup " + id + " is " + backup.status() + "; only a completed one can be verified");
        }
        BackupVerifier.Verification result = verifier.verify(OrgId.of(orgId), id, backup.manifestSha256());
        catalog.verified(id, result.intact() ? null : String.join("; ", result.problems()));
        metrics.counter("tenantry_backup_verifications_total", "outcome", result.intact() ? "intact" : "damaged")
                .increment();
        return new VerificationView(catalog.find(id).orElseThrow(), result.intact(), result.problems());
    }

    public BackupPolicy policy(String orgId) {
        backedUpTenant(orgId);
        return catalog.policy(orgId).orElseGet(this::defaultPolicy);
    }

    public BackupPolicy setPolicy(String orgId, BackupPolicy policy, String requestedBy) {
        backedUpTenant(orgId);
        catalog.setPolicy(orgId, policy);
        audit.record(requestedBy, orgId, "tenant.backup-policy", orgId,
                Map.of("interval", policy.interval().toString(), "retain", policy.retain()));
        return policy;
    }

    /**
     * Removes the organization's routine backups beyond its policy's count, never the newest verified one, a
     * backup a running restore reads, or the ones taken before a restore or at deletion.
     */
    public void prune(String orgId) {
        int retain = catalog.policy(orgId).orElseGet(this::defaultPolicy).retain();
        for (BackupView old : catalog.beyondRetention(orgId, retain)) {
            try {
                store.delete(OrgId.of(orgId), old.id());
                catalog.delete(old.id());
                metrics.counter("tenantry_backups_pruned_total").increment();
            } catch (IOException | RuntimeException e) {
                LOG.warnf("could not prune backup %s of %s: %s", old.id(), orgId, e.getMessage());
            }
        }
    }

    BackupPolicy defaultPolicy() {
        return new BackupPolicy(config.backups().schedule().interval(), config.backups().schedule().retain());
    }

    private BackupView run(UUID id, Tenant tenant, String database, BackupReason reason, String requestedBy)
            throws SQLException, IOException {
        OrgId orgId = OrgId.of(tenant.orgId());
        Timer.Sample sample = Timer.start(metrics);
        try {
            BackupWriter.Written written = writer.write(tenant.server(), orgId, database, id,
                    (total, done, rows, bytes) -> catalog.progress(id, total, done, rows, bytes));
            catalog.complete(id, written.manifest(), written.manifestSha256());
            sample.stop(metrics.timer("tenantry_backup_seconds", "reason", reason.wire()));
            metrics.counter("tenantry_backups_total", "reason", reason.wire(), "outcome", "completed").increment();
            metrics.summary("tenantry_backup_bytes").record(written.manifest().totalBytes());
            audit.record(requestedBy, tenant.orgId(), "tenant.backup", id.toString(), Map.of(
                    "reason", reason.wire(), "schemaVersion", String.valueOf(written.manifest().schemaVersion()),
                    "rows", written.manifest().totalRows(), "bytes", written.manifest().totalBytes()));
            LOG.infof("backup %s of %s: %d rows, %d bytes", id, orgId, written.manifest().totalRows(),
                    written.manifest().totalBytes());
            return catalog.find(id).orElseThrow();
        } catch (SQLException | IOException | RuntimeException e) {
            catalog.fail(id, e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
            metrics.counter("tenantry_backups_total", "reason", reason.wire(), "outcome", "failed").increment();
            removeQuietly(orgId, id);
            throw e;
        }
    }

    /** Backups a killed process left running (nobody holds their tenant's lock) are failed and their files removed. */
    void failAbandoned() {
        try {
            for (BackupView backup : catalog.running()) {
                Optional<AdvisoryLocks.Lock> lock = locks.tryTenant(backup.orgId());
                if (lock.isPresent()) {
                    try (AdvisoryLocks.Lock held = lock.get()) {
                        if (catalog.find(backup.id()).map(b -> BackupCatalog.RUNNING.equals(b.status())).orElse(false)) {
                            catalog.fail(backup.id(), "interrupted: the provisioner stopped while taking it");
                            removeQuietly(OrgId.of(backup.orgId()), backup.id());
                        }
                    }
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("could not look for interrupted backups: %s", e.getMessage());
        }
    }

    private void removeQuietly(OrgId orgId, UUID id) {
        try {
            store.delete(orgId, id);
        } catch (IOException | RuntimeException e) {
            LOG.warnf("could not remove the files of backup %s: %s", id, e.getMessage());
        }
    }

    /** A tenant whose database exists (active or suspended), or 404/409. */
    private Tenant backedUpTenant(String orgId) {
        OrgId.of(orgId);
        Tenant tenant = registry.find(orgId).orElseThrow(() -> ApiProblem.notFound("tenant '" + orgId + "' not found"));
        if (!tenant.holdsData()) {
            throw ApiProblem.conflict("tenant '" + orgId + "' is " + tenant.status().wire()
                    + "; only an active or suspended tenant's database can be backed up");
        }
        return tenant;
    }
}
