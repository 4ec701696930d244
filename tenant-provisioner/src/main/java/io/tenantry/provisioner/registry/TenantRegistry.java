package io.tenantry.provisioner.registry;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.tenantry.common.lifecycle.OrganizationStatus;
import io.tenantry.provisioner.jdbc.RegistrySql;

/**
 * The provisioner's record of every tenant, in schema {@code provisioner} of the metadata database. Writes commit
 * at once: each is a checkpoint a restarted provisioner resumes from.
 */
@ApplicationScoped
public class TenantRegistry {

    @Inject
    RegistrySql sql;

    public Optional<Tenant> find(String orgId) {
        return sql.list("""
                SELECT org_id, server, database_name, role_name, credential_generation, schema_version, status,
                       last_error, export_location, maintenance, session_limits
                  FROM provisioner.tenants WHERE org_id = ?""", rs -> new Tenant(rs.getString(1), rs.getString(2),
                rs.getString(3), rs.getString(4), rs.getInt(5), rs.getString(6),
                OrganizationStatus.fromWire(rs.getString(7)), rs.getString(8), rs.getString(9), rs.getString(10),
                rs.getString(11)),
                orgId).stream().findFirst();
    }

    /** Records the placement once; a second call for the same organization keeps the first choice. */
    public Tenant place(String orgId, String server, String databaseName, String roleName) {
        execute("""
                INSERT INTO provisioner.tenants (org_id, server, database_name, role_name, status)
                VALUES (?, ?, ?, ?, ?) ON CONFLICT (org_id) DO NOTHING""",
                orgId, server, databaseName, roleName, OrganizationStatus.PROVISIONING.wire());
        return find(orgId).orElseThrow();
    }

    public void setStatus(String orgId, OrganizationStatus status, String lastError) {
        execute("UPDATE provisioner.tenants SET status = ?, last_error = ?, updated_at = now() WHERE org_id = ?",
                status.wire(), lastError, orgId);
    }

    /** Records a failure that leaves the status as it is (a tenant's failed migration in a rollout). */
    public void setLastError(String orgId, String lastError) {
        execute("UPDATE provisioner.tenants SET last_error = ?, updated_at = now() WHERE org_id = ?", lastError, orgId);
    }

    public void setSchemaVersion(String orgId, String version) {
        execute("UPDATE provisioner.tenants SET schema_version = ?, updated_at = now() WHERE org_id = ?",
                version, orgId);
    }

    /** The session limits (as {@code TenantRoles.sessionLimits} says them) just set on the tenant's role. */
    public void setSessionLimits(String orgId, String limits) {
        execute("UPDATE provisioner.tenants SET session_limits = ?, updated_at = now() WHERE org_id = ?", limits, orgId);
    }

    public void setExportLocation(String orgId, String location) {
        execute("UPDATE provisioner.tenants SET export_location = ?, updated_at = now() WHERE org_id = ?",
                location, orgId);
    }

    /** Closes the tenant to results-service (503 with Retry-After) while {@code reason} lasts; null opens it. */
    public void setMaintenance(String orgId, String reason) {
        execute("UPDATE provisioner.tenants SET maintenance = ?, updated_at = now() WHERE org_id = ?", reason, orgId);
    }

    /** A move's switch: the tenant's database is now the one on {@code server}, open again, in one statement. */
    public void moveTo(String orgId, String server) {
        execute("UPDATE provisioner.tenants SET server = ?, maintenance = NULL, updated_at = now() WHERE org_id = ?",
                server, orgId);
    }

    /** Tenants whose database lives on the server and is kept (active or suspended). */
    public List<String> holdingDataOn(String server) {
        return sql.list("SELECT org_id FROM provisioner.tenants WHERE server = ? AND status IN (?, ?) ORDER BY org_id",
                rs -> rs.getString(1), server, OrganizationStatus.ACTIVE.wire(), OrganizationStatus.SUSPENDED.wire());
    }

    public void recordMigration(String orgId, String version, String description, int durationMs) {
        execute("INSERT INTO provisioner.tenant_migrations (org_id, version, description, duration_ms) VALUES (?, ?, ?, ?)",
                orgId, version, description, durationMs);
    }

    /** Tenants that still occupy each server (deleted ones free their place). */
    public Map<String, Integer> tenantsPerServer() {
        Map<String, Integer> counts = new HashMap<>();
        sql.list("SELECT server, count(*) FROM provisioner.tenants WHERE status <> ? GROUP BY server",
                rs -> counts.put(rs.getString(1), rs.getInt(2)), OrganizationStatus.DELETED.wire());
        return counts;
    }

    private void execute(String statement, Object... params) {
        sql.update(statement, params);
    }
}
