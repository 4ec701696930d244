package io.tenantry.provisioner.registry;

import static io.tenantry.provisioner.jdbc.Statements.bind;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;
import io.tenantry.common.lifecycle.OrganizationStatus;

/**
 * The provisioner's record of every tenant, in schema {@code provisioner} of the metadata database. Writes commit
 * at once: each is a checkpoint a restarted provisioner resumes from.
 */
@ApplicationScoped
public class TenantRegistry {

    @Inject
    AgroalDataSource metadata;

    public Optional<Tenant> find(String orgId) {
        try (Connection c = metadata.getConnection();
             PreparedStatement s = c.prepareStatement("""
                     SELECT org_id, server, database_name, role_name, credential_generation, schema_version, status,
                            last_error, export_location
                       FROM provisioner.tenants WHERE org_id = ?""")) {
            bind(s, orgId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Tenant(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getInt(5), rs.getString(6), OrganizationStatus.fromWire(rs.getString(7)), rs.getString(8),
                        rs.getString(9)));
            }
        } catch (SQLException e) {
            throw new RegistryException(e);
        }
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

    public void setExportLocation(String orgId, String location) {
        execute("UPDATE provisioner.tenants SET export_location = ?, updated_at = now() WHERE org_id = ?",
                location, orgId);
    }

    public void recordMigration(String orgId, String version, String description, int durationMs) {
        execute("INSERT INTO provisioner.tenant_migrations (org_id, version, description, duration_ms) VALUES (?, ?, ?, ?)",
                orgId, version, description, durationMs);
    }

    /** Tenants that still occupy each server (deleted ones free their place). */
    public Map<String, Integer> tenantsPerServer() {
        Map<String, Integer> counts = new HashMap<>();
        try (Connection c = metadata.getConnection();
             PreparedStatement s = c.prepareStatement(
                     "SELECT server, count(*) FROM provisioner.tenants WHERE status <> ? GROUP BY server")) {
            bind(s, OrganizationStatus.DELETED.wire());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getInt(2));
                }
            }
            return counts;
        } catch (SQLException e) {
            throw new RegistryException(e);
        }
    }

    private void execute(String sql, Object... params) {
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new RegistryException(e);
        }
    }

    public static class RegistryException extends RuntimeException {
        RegistryException(SQLException cause) {
            super("tenant registry: " + cause.getMessage(), cause);
        }
    }
}
