package io.tenantry.provisioner.dbhealth;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.tenantry.common.OrgId;
import io.tenantry.common.problem.ApiProblem;

/**
 * Tenant database health as the rest of the provisioner (REST, console) asks for it: a tenant's current snapshot and
 * short history, the fleet summary, and a collection on demand. Unknown tenants are 404 problems.
 */
@ApplicationScoped
public class TenantHealth {

    private static final int MAX_LIMIT = 100;

    @Inject
    HealthStore store;

    @Inject
    HealthCollector collector;

    /** The tenant's newest snapshot; {@code unknown} without measures when none was collected yet. */
    public HealthSnapshot current(OrgId orgId) {
        HealthStore.Subject tenant = subject(orgId);
        return store.current(tenant.orgId()).orElseGet(() -> HealthSnapshot.notCollected(tenant.orgId(), tenant.server()));
    }

    /** The tenant's snapshots, newest first, as many as the history keeps and at most {@code limit}. */
    public List<HealthSnapshot> history(OrgId orgId, int limit) {
        return store.history(subject(orgId).orgId(), checkedLimit(limit));
    }

    /** Counts per state and reason and the {@code limit} worst active tenants by each measure. */
    public FleetHealth fleetSummary(int limit) {
        return store.fleet(checkedLimit(limit));
    }

    /** Measures the tenant now (waiting for a slot on its server) and returns the new snapshot; 409 unless active. */
    public HealthSnapshot collect(OrgId orgId) {
        HealthStore.Subject tenant = subject(orgId);
        if (!tenant.active()) {
            throw ApiProblem.conflict("tenant '" + orgId.value() + "' is " + tenant.status()
                    + "; only an active tenant's database is measured");
        }
        try {
            HealthSnapshot snapshot = collector.collect(tenant);
            collector.refreshMetrics();
            return snapshot;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting to measure " + orgId.value(), e);
        }
    }

    /** Measures every active tenant now, as the schedule does, and returns their snapshots. */
    public List<HealthSnapshot> collectAll() throws InterruptedException {
        return collector.collectAll();
    }

    private HealthStore.Subject subject(OrgId orgId) {
        return store.subject(orgId.value())
                .orElseThrow(() -> ApiProblem.notFound("no tenant for organization '" + orgId.value() + "'"));
    }

    private static int checkedLimit(int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ApiProblem.invalid("limit", "must be between 1 and " + MAX_LIMIT);
        }
        return limit;
    }
}
