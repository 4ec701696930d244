package io.tenantry.provisioner.backup;

import java.io.IOException;
import java.sql.SQLException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.provisioner.locks.AdvisoryLocks;
import io.tenantry.provisioner.registry.TenantRegistry;

/**
 * Scheduled backups: every minute, the tenants whose newest backup is older than their policy allows are backed up,
 * a few at a time, each under its tenant's lock (a tenant busy with something else waits for the next pass), then
 * pruned to their policy.
 */
@ApplicationScoped
public class BackupSchedule {

    private static final Logger LOG = Logger.getLogger(BackupSchedule.class);

    @Inject
    BackupCatalog catalog;

    @Inject
    Backups backups;

    @Inject
    AdvisoryLocks locks;

    @Inject
    TenantRegistry registry;

    @Inject
    ProvisionerConfig config;

    @Scheduled(every = "1m", delayed = "30s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            runDue();
        } catch (RuntimeException | InterruptedException e) {
            LOG.warnf("scheduled backups: %s", e.getMessage());
        }
    }

    /** Backs up one batch of due tenants and returns how many were backed up. */
    public int runDue() throws InterruptedException {
        ProvisionerConfig.Backups.Schedule schedule = config.backups().schedule();
        List<String> due = catalog.due(schedule.interval(), schedule.concurrency() * 4);
        ExecutorService workers = Executors.newFixedThreadPool(Math.max(1, schedule.concurrency()));
        AtomicInteger done = new AtomicInteger();
        try {
            for (String orgId : due) {
                workers.submit(() -> {
                    if (backUp(orgId)) {
                        done.incrementAndGet();
                    }
                });
            }
        } finally {
            workers.shutdown();
            workers.awaitTermination(1, TimeUnit.DAYS);
        }
        return done.get();
    }

    private boolean backUp(String orgId) {
        try {
            Optional<AdvisoryLocks.Lock> lock = locks.tryTenant(orgId);
            if (lock.isEmpty()) {
                return false;
            }
            try (AdvisoryLocks.Lock held = lock.get()) {
                var tenant = registry.find(orgId).orElseThrow();
                if (!tenant.holdsData() || tenant.maintenance() != null) {
                    return false;
                }
                backups.take(tenant, BackupReason.SCHEDULED, "tenant-provisioner");
                backups.prune(orgId);
                return true;
            }
        } catch (SQLException | IOException | RuntimeException e) {
            LOG.warnf("scheduled backup of %s failed: %s", orgId, e.getMessage());
            return false;
        }
    }
}
