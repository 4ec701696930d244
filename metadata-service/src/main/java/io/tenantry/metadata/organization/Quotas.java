package io.tenantry.metadata.organization;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** Limits results-service enforces when jobs are submitted. */
public record Quotas(@NotNull @Min(1) @Max(1_000_000) Integer maxQueuedJobs,
                     @NotNull @Min(1) @Max(10_000_000) Integer maxJobsPerDay) {

    public static final Quotas DEFAULT = new Quotas(1_000, 10_000);
}
