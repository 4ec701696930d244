package io.tenantry.metadata.organization;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/**
 * Limits results-service enforces (on jobs submitted, and on the organization's requests to its data API; null:
 * results-service's configured defaults), and the size its tenant database may reach before the provisioner's
 * health collection marks it degraded (null: the provisioner's configured default).
 */
public record Quotas(@NotNull @Min(1) @Max(1_000_000) Integer maxQueuedJobs,
                     @NotNull @Min(1) @Max(10_000_000) Integer maxJobsPerDay,
                     @Min(1) @Max(100_000) Integer maxRequestsPerSecond,
                     @Min(1) @Max(10_000) Integer maxConcurrentRequests,
                     @Min(1_048_576) @Max(1_099_511_627_776_000L) Long maxDatabaseBytes) {

    public static final Quotas DEFAULT = new Quotas(1_000, 10_000, null, null, null);
}
