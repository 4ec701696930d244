package io.tenantry.provisioner.reconcile;

import java.sql.SQLException;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.tenantry.common.OrgId;
import io.tenantry.provisioner.jdbc.TransientFailures;
import io.tenantry.provisioner.locks.AdvisoryLocks;

/**
 * The control loop: finds organizations whose observed status lags their desired state, takes each under its
 * advisory lock, re-reads it, and moves it one lifecycle step closer. Every step is idempotent, so a crash at any
 * point is repaired by the next pass, on this replica or another.
 */
@ApplicationScoped
public class Reconciler {

    private static final Logger LOG = Logger.getLogger(Reconciler.class);
    private static final int BATCH = 50;

    @Inject
    Organizations organizations;

    @Inject
    AdvisoryLocks locks;

    @Inject
    TenantLifecycle lifecycle;

    @Inject
    MeterRegistry metrics;

    @Inject
    TenantChanges changes;

    @Scheduled(every = "${tenantry.provisioner.reconcile-interval}", delayed = "1s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            reconcileAll();
        } catch (SQLException | RuntimeException e) {
            metrics.counter("tenantry_reconcile_errors_total").increment();
            LOG.warnf("reconcile pass failed: %s", e.getMessage());
        }
    }

    /** One pass over everything that needs work; returns how many organizations this replica moved. */
    public int reconcileAll() throws SQLException {
        int moved = 0;
        for (String orgId : organizations.needingWork(BATCH)) {
            try {
                if (reconcile(orgId)) {
                    moved++;
                }
            } catch (TransientFailures.TransientFailure e) {
                metrics.counter("tenantry_reconcile_errors_total").increment();
                LOG.warnf("%s; the next pass tries again", e.getMessage());
            }
        }
        return moved;
    }

    /** Reconciles one organization if no other provisioner holds it; false when skipped or nothing to do. */
    public boolean reconcile(String orgId) throws SQLException {
        if (!OrgId.isValid(orgId)) {
            LOG.errorf("refusing organization id %s: %s", orgId, OrgId.validate(orgId));
            return false;
        }
        Optional<AdvisoryLocks.Lock> lock = locks.tryTenant(orgId);
        if (lock.isEmpty()) {
            return false;
        }
        try (AdvisoryLocks.Lock held = lock.get()) {
            Optional<Organizations.Lifecycle> current = organizations.read(orgId);
            boolean moved = current.isPresent() && lifecycle.advance(current.get());
            if (current.isPresent()) {
                changes.announce(orgId);
            }
            return moved;
        }
    }
}
