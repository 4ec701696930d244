package io.tenantry.provisioner.fleet;

import static io.tenantry.common.lifecycle.OrganizationStatus.ACTIVE;
import static io.tenantry.common.lifecycle.OrganizationStatus.DELETED;
import static io.tenantry.common.lifecycle.OrganizationStatus.FAILED;
import static io.tenantry.common.lifecycle.OrganizationStatus.SUSPENDED;
import static io.tenantry.provisioner.jdbc.Statements.bind;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;
import io.tenantry.common.OrgId;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.schema.ResultsSchema;

/** What the fleet looks like: tenants by schema version, status and server, the failing ones, and one tenant's history. */
@ApplicationScoped
public class FleetStatus {

    @Inject
    AgroalDataSource metadata;

    public record Summary(Map<String, Integer> bySchemaVersion, Map<String, Integer> byStatus,
                          Map<String, Integer> byServer, List<Failing> failing) {
    }

    public record Failing(String orgId, String server, String status, String lastError) {
    }

    /** One tenant in the fleet's list. */
    /**
     * A tenant in the fleet's list, with what its last health collection found ({@code health} and
     * {@code databaseBytes} null until the first one) and when its newest completed backup finished.
     */
    public record Listed(String orgId, String server, String status, String schemaVersion, String lastError,
                         OffsetDateTime lastBackupAt, String health, Long databaseBytes) {
    }

    /**
     * One tenant: {@code maintenance} names an operation that has it closed (a restore), {@code lastBackupAt} is
     * when its newest completed backup finished, {@code exportLocation} where its final backup is once deleted.
     */
    public record TenantDetail(String orgId, String server, String database, String role, String schemaVersion,
                               String status, String lastError, String maintenance, OffsetDateTime lastBackupAt,
                               String exportLocation, List<AppliedMigration> migrations) {
    }

    public record AppliedMigration(String version, String description, OffsetDateTime appliedAt, int durationMs) {
    }

    /** Tenants below the newest results schema version this provisioner ships, and tenants in trouble. */
    public record Lag(String newestVersion, long behind, long failing) {
    }

    public Lag lag() {
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT count(*) FILTER (WHERE schema_version IS DISTINCT FROM ?),"
                        + " count(*) FILTER (WHERE status = ? OR last_error IS NOT NULL)"
                        + " FROM provisioner.tenants WHERE status IN (?, ?, ?)")) {
            bind(s, ResultsSchema.NEWEST_VERSION, FAILED.wire(), ACTIVE.wire(), SUSPENDED.wire(), FAILED.wire());
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new Lag(ResultsSchema.NEWEST_VERSION, rs.getLong(1), rs.getLong(2));
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    public Summary summary() {
        try (Connection c = metadata.getConnection()) {
            return new Summary(
                    counts(c, "SELECT coalesce(schema_version, 'none'), count(*) FROM provisioner.tenants"
                            + " WHERE status <> ? GROUP BY 1 ORDER BY 1", DELETED.wire()),
                    counts(c, "SELECT status, count(*) FROM provisioner.tenants GROUP BY 1 ORDER BY 1"),
                    counts(c, "SELECT server, count(*) FROM provisioner.tenants WHERE status <> ? GROUP BY 1 ORDER BY 1",
                            DELETED.wire()),
                    failing(c));
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    /** Up to {@code limit} tenants that are not deleted, by id, after the id {@code after} (null: from the first). */
    public List<Listed> tenants(String after, int limit) {
        List<Listed> tenants = new ArrayList<>();
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT t.org_id, t.server, t.status, t.schema_version, t.last_error,
                       (SELECT max(b.finished_at) FROM provisioner.backups b
                         WHERE b.org_id = t.org_id AND b.status = 'completed'),
                       h.state, h.database_bytes
                  FROM provisioner.tenants t LEFT JOIN provisioner.tenant_health h ON h.org_id = t.org_id
                 WHERE t.status <> ? AND t.org_id > ? ORDER BY t.org_id LIMIT ?""")) {
            bind(s, DELETED.wire(), after == null ? "" : after, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    tenants.add(new Listed(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                            rs.getString(5), rs.getObject(6, OffsetDateTime.class), rs.getString(7),
                            rs.getObject(8, Long.class)));
                }
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
        return tenants;
    }

    public static ApiProblem unavailable(SQLException e) {
        return ApiProblem.databaseUnavailable("the metadata database did not answer: " + e.getSQLState(), 5);
    }

    public TenantDetail tenant(String orgId) {
        OrgId.of(orgId);
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT org_id, server, database_name, role_name, schema_version, status, last_error, maintenance,
                       (SELECT max(b.finished_at) FROM provisioner.backups b
                         WHERE b.org_id = t.org_id AND b.status = 'completed'),
                       export_location
                  FROM provisioner.tenants t WHERE org_id = ?""")) {
            s.setString(1, orgId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    throw ApiProblem.notFound("tenant '" + orgId + "' not found");
                }
                return new TenantDetail(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7), rs.getString(8),
                        rs.getObject(9, OffsetDateTime.class), rs.getString(10), migrations(c, orgId));
            }
        } catch (SQLException e) {
            throw unavailable(e);
        }
    }

    private static List<AppliedMigration> migrations(Connection c, String orgId) throws SQLException {
        List<AppliedMigration> applied = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT version, description, applied_at, duration_ms FROM provisioner.tenant_migrations
                 WHERE org_id = ? ORDER BY id""")) {
            s.setString(1, orgId);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    applied.add(new AppliedMigration(rs.getString(1), rs.getString(2),
                            rs.getObject(3, OffsetDateTime.class), rs.getInt(4)));
                }
            }
        }
        return applied;
    }

    private static List<Failing> failing(Connection c) throws SQLException {
        List<Failing> failing = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT org_id, server, status, last_error FROM provisioner.tenants
                 WHERE status = ? OR (last_error IS NOT NULL AND status <> ?) ORDER BY org_id LIMIT 100""")) {
            bind(s, FAILED.wire(), DELETED.wire());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    failing.add(new Failing(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4)));
                }
            }
        }
        return failing;
    }

    private static Map<String, Integer> counts(Connection c, String sql, Object... params) throws SQLException {
        Map<String, Integer> counts = new LinkedHashMap<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            bind(s, params);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    counts.put(rs.getString(1), rs.getInt(2));
                }
            }
        }
        return counts;
    }
}
