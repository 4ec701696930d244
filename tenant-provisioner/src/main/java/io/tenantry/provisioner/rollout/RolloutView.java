package io.tenantry.provisioner.rollout;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * A rollout's progress: counts by outcome and the failed tenants with their errors. {@code targetVersion} is the
 * version it brings tenants to, null for the newest. {@code upToDate} of the succeeded tenants were answered from the
 * registry (already at the version, with the current session limits) without their databases being opened.
 */
public record RolloutView(UUID id, String status, String targetVersion, int total, int upToDate, int succeeded,
                          int failed, int pending, String message,
                          String requestedBy, OffsetDateTime startedAt, OffsetDateTime finishedAt,
                          List<TenantFailure> failures) {

    public record TenantFailure(String orgId, String version, int durationMs, String error) {
    }
}
