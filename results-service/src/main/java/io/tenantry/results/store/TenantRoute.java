package io.tenantry.results.store;

import java.util.Objects;

/**
 * Where an organization's results live and whether they may be reached, as the tenant registry says, with the
 * organization's job quotas and its own request rate limits (null: the configured defaults). {@code server} is null
 * while the organization has no tenant database yet. {@code tenantStatus} is the registry's status, or
 * {@code maintenance} while a restore closes the tenant, or {@code moving} while a move's switch pauses its writes.
 */
public record TenantRoute(String orgId, String tenantStatus, String server, String databaseName, String roleName,
                          int credentialGeneration, int maxQueuedJobs, int maxJobsPerDay,
                          Integer maxRequestsPerSecond, Integer maxConcurrentRequests) {

    public boolean isActive() {
        return "active".equals(tenantStatus);
    }

    /** In a move's switch: still read from {@link #server}, but not written until the switch ends. */
    public boolean isMoving() {
        return "moving".equals(tenantStatus);
    }

    /** Whether connections made for {@code other} reach the same database as the same role with the same password. */
    public boolean connectsLike(TenantRoute other) {
        return Objects.equals(server, other.server) && Objects.equals(databaseName, other.databaseName)
                && Objects.equals(roleName, other.roleName) && credentialGeneration == other.credentialGeneration;
    }
}
