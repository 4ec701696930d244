package io.tenantry.provisioner.registry;

import io.tenantry.common.lifecycle.OrganizationStatus;

/** One row of the tenant registry; its status is one of the organization's, never requested. */
public record Tenant(String orgId, String server, String databaseName, String roleName, int credentialGeneration,
                     String schemaVersion, OrganizationStatus status, String lastError, String exportLocation, String maintenance,
                     String sessionLimits) {

    /** Whether the tenant's database exists and is kept: active or suspended. */
    public boolean holdsData() {
        return status == OrganizationStatus.ACTIVE || status == OrganizationStatus.SUSPENDED;
    }
}
