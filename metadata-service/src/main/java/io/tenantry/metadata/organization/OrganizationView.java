package io.tenantry.metadata.organization;

import java.time.OffsetDateTime;

import io.tenantry.common.lifecycle.DesiredState;
import io.tenantry.common.lifecycle.OrganizationStatus;

/** An organization as the API shows it: observed status, desired state, quotas and placement. */
public record OrganizationView(String orgId, String displayName, OrganizationStatus status,
                               DesiredState desiredState, String statusReason, String region, Quotas quotas,
                               OffsetDateTime createdAt, OffsetDateTime updatedAt, long version) {

    public static OrganizationView of(Organization o) {
        return new OrganizationView(o.orgId, o.displayName, o.status, o.desiredState, o.statusReason, o.region,
                new Quotas(o.maxQueuedJobs, o.maxJobsPerDay, o.maxRequestsPerSecond, o.maxConcurrentRequests,
                        o.maxDatabaseBytes),
                o.createdAt, o.updatedAt, o.version);
    }
}
