package io.tenantry.provisioner.rollout;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.tenantry.common.OrgId;
import io.tenantry.common.lifecycle.OrganizationStatus;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.provisioner.backup.BackupReason;
import io.tenantry.provisioner.backup.Backups;
import io.tenantry.provisioner.locks.AdvisoryLocks;
import io.tenantry.provisioner.registry.Tenant;
import io.tenantry.provisioner.registry.TenantRegistry;
import io.tenantry.provisioner.tenant.TenantMigrations;
import io.tenantry.provisioner.tenant.TenantRoles;

/**
 * Works off a recorded rollout: the canaries first, then the rest with at most {@code parallelism} tenants at a
 * time. One tenant's failure is recorded against it and does not block the others. Safe to call again for a
 * rollout whose process died: only pending tenants are touched, under an advisory lock so one process runs it at
 * a time.
 */
@ApplicationScoped
public class RolloutRunner {

    private static final Logger LOG = Logger.getLogger(RolloutRunner.class);

    @Inject
    RolloutStore store;

    @Inject
    AdvisoryLocks locks;

    @Inject
    TenantRegistry registry;

    @Inject
    TenantMigrations migrations;

    @Inject
    TenantRoles roles;

    @Inject
    Backups backups;

    @Inject
    MeterRegistry metrics;

    /**
     * Brings the rollout's pending tenants to the plan's target version with the migrations (and their inverses) at
     * {@code locations}, and returns how it ended.
     */
    public RolloutView run(UUID id, RolloutPlan plan, List<String> locations) throws SQLException {
        return runUnlessRunning(id, plan, locations)
                .orElseThrow(() -> ApiProblem.conflict("rollout " + id + " is being run by another process"));
    }

    /**
     * Like {@link #run}, but empty when another process is running the rollout (it holds its lock). A paused or
     * cancelled rollout starts no new tenant and is left as it is once the tenants under way have finished; one
     * resumed while they finished is carried on here, since the resume could not take the lock meanwhile.
     */
    Optional<RolloutView> runUnlessRunning(UUID id, RolloutPlan plan, List<String> locations) throws SQLException {
        do {
            Optional<AdvisoryLocks.Lock> lock = locks.tryRollout(id);
            if (lock.isEmpty()) {
                return Optional.empty();
            }
            try (AdvisoryLocks.Lock held = lock.get()) {
                runHeld(id, plan, locations);
            }
        } while (store.find(id).filter(v -> v.status().equals(RolloutStatus.RUNNING.wire())).isPresent());
        return store.find(id);
    }

    private void runHeld(UUID id, RolloutPlan plan, List<String> locations) throws SQLException {
        if (!runGroup(id, true, plan, locations)) {
            store.finish(id, RolloutStatus.STOPPED, "a canary tenant failed; the rest were not touched");
        } else if (!runGroup(id, false, plan, locations)) {
            store.finish(id, RolloutStatus.STOPPED,
                    "more than " + plan.maxFailures() + " tenants failed; the rest were not touched");
        } else {
            RolloutView now = store.find(id).orElseThrow();
            if (now.pending() == 0) {
                store.finish(id, now.failed() == 0 ? RolloutStatus.SUCCEEDED : RolloutStatus.FAILED,
                        now.failed() == 0 ? null : now.failed() + " tenants failed and stay on their previous version");
            }
        }
    }

    /**
     * Migrates the group's pending tenants, {@code parallelism} at a time, each only while the rollout is running;
     * false when the rollout must stop.
     */
    private boolean runGroup(UUID id, boolean canaries, RolloutPlan plan, List<String> locations) throws SQLException {
        List<String> pending = store.pending(id, canaries);
        AtomicInteger failures = new AtomicInteger(store.find(id).orElseThrow().failed());
        int allowed = canaries ? 0 : plan.maxFailures();
        ExecutorService workers = Executors.newFixedThreadPool(Math.max(1, plan.parallelism()));
        try {
            List<Future<?>> running = new ArrayList<>();
            for (String orgId : pending) {
                running.add(workers.submit(() -> {
                    if (failures.get() <= allowed && store.isRunning(id)
                            && !migrateOne(id, orgId, locations, plan.targetVersion())) {
                        failures.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            workers.shutdownNow();
        }
        return failures.get() <= allowed;
    }

    /**
     * Migrates one tenant to the target version (up, or down by the inverses; null: up to the newest), after a backup
     * of it when its schema is about to change (unless turned off), sets its role's session limits to the configured
     * ones (so a rollout also carries changed limits to existing tenants), and records the outcome in the rollout, the
     * registry and the metrics; all of it over one connection to the tenant's database, the backup's aside.
     */
    private boolean migrateOne(UUID id, String orgId, List<String> locations, String targetVersion) {
        long start = System.nanoTime();
        Tenant tenant = registry.find(orgId).orElseThrow();
        if (tenant.status() != OrganizationStatus.ACTIVE && tenant.status() != OrganizationStatus.SUSPENDED) {
            // Deleted since the rollout was recorded (a resumed rollout can be days old): nothing left to migrate.
            store.leaveOut(id, orgId);
            LOG.infof("rollout %s: %s is %s now, left out", id, orgId, tenant.status().wire());
            return true;
        }
        try (TenantMigrations.Session schema = migrations.open(tenant.server(), OrgId.of(orgId))) {
            roles.limitSessions(schema.connection(), OrgId.of(orgId));
            if (!roles.sessionLimits().equals(tenant.sessionLimits())) {
                registry.setSessionLimits(orgId, roles.sessionLimits());
            }
            // With nothing to change the registry still takes the database's version: a process killed after
            // migrating it, before recording the version, left the registry behind.
            TenantMigrations.Plan plan = schema.plan(locations, targetVersion);
            String version = plan.currentVersion();
            if (plan.changes()) {
                if (backups.backsUpBeforeRollouts()) {
                    backups.take(tenant, BackupReason.BEFORE_ROLLOUT, "rollout " + id);
                    backups.prune(orgId);
                }
                List<TenantMigrations.Migration> applied = schema.migrate(plan, locations, targetVersion);
                applied.forEach(m -> registry.recordMigration(orgId, m.version(), m.description(), m.durationMs()));
                // Nothing applied: another process migrated it meanwhile, so the version is read again.
                version = applied.isEmpty() ? schema.plan(locations, targetVersion).currentVersion()
                        : applied.get(applied.size() - 1).version();
            }
            if (!registry.find(orgId).map(Tenant::server).orElseThrow().equals(tenant.server())) {
                // It moved to another server meanwhile: the database it has now is migrated too.
                return migrateOne(id, orgId, locations, targetVersion);
            }
            if (!Objects.equals(version, tenant.schemaVersion())) {
                registry.setSchemaVersion(orgId, version);
            }
            store.recordTenant(id, orgId, true, version, millisSince(start), null);
            metrics.counter("tenantry_rollout_tenants_total", "outcome", "succeeded").increment();
            return true;
        } catch (Exception e) {
            String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            registry.setLastError(orgId, "rollout " + id + ": " + error);
            store.recordTenant(id, orgId, false, tenant.schemaVersion(), millisSince(start), error);
            metrics.counter("tenantry_rollout_tenants_total", "outcome", "failed").increment();
            LOG.warnf("rollout %s: %s failed: %s", id, orgId, error);
            return false;
        }
    }

    private static int millisSince(long startNanos) {
        return (int) ((System.nanoTime() - startNanos) / 1_000_000);
    }
}
