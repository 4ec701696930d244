package io.tenantry.provisioner.registry;

/** One row of the tenant registry. */
public record Tenant(String orgId, String server, String databaseName, String roleName, int credentialGeneration,
                     String schemaVersion, String status, String lastError, String exportLocation) {
}
