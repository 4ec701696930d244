package io.tenantry.provisioner.reconcile;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;

/**
 * The provisioner's side of metadata-service's organizations: it reads their lifecycle through the view metadata-service
 * grants it, and reports the observed status through metadata-service's function, which takes only legal moves and
 * writes the audit entry with the change.
 */
@ApplicationScoped
public class Organizations {

    static final String ACTOR = "tenant-provisioner";

    /** Organizations whose observed status lags their desired state, oldest change first. */
    private static final String WORK = """
            SELECT org_id FROM organization_lifecycle
             WHERE (desired_state = 'active' AND status IN ('requested', 'provisioning', 'suspended'))
                OR (desired_state = 'suspended' AND status IN ('requested', 'provisioning', 'active'))
                OR (desired_state = 'deleted' AND status NOT IN ('deleted'))
             ORDER BY updated_at LIMIT ?""";

    @Inject
    AgroalDataSource metadata;

    public record Desired(String orgId, String status, String desiredState, String region) {
    }

    public List<String> needingWork(int limit) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement(WORK)) {
            s.setInt(1, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    public Optional<Desired> read(String orgId) throws SQLException {
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT org_id, status, desired_state, region FROM organization_lifecycle WHERE org_id = ?")) {
            s.setString(1, orgId);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(new Desired(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getString(4))) : Optional.empty();
            }
        }
    }

    /** Moves the observed status from {@code from} and records why; nothing happens if it is no longer {@code from}. */
    public void report(String orgId, String from, String to, String reason) throws SQLException {
        try (Connection c = metadata.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT report_organization_status(?, ?, ?, ?, ?, NULL)")) {
            s.setString(1, orgId);
            s.setString(2, from);
            s.setString(3, to);
            s.setString(4, reason);
            s.setString(5, ACTOR);
            s.executeQuery().close();
        }
    }

    /**
     * A session-level advisory lock per organization, held on a dedicated connection for as long as the work
     * lasts: a second provisioner skips the organization, and a crashed one releases it with its connection.
     */
    public Optional<Connection> tryLock(String orgId) throws SQLException {
        Connection c = metadata.getConnection();
        try (PreparedStatement s = c.prepareStatement("SELECT pg_try_advisory_lock(hashtext('tenantry-tenant:' || ?))")) {
            s.setString(1, orgId);
            try (ResultSet rs = s.executeQuery()) {
                if (rs.next() && rs.getBoolean(1)) {
                    return Optional.of(c);
                }
            }
        } catch (SQLException e) {
            c.close();
            throw e;
        }
        c.close();
        return Optional.empty();
    }

    public void unlock(Connection lock, String orgId) throws SQLException {
        try (lock; PreparedStatement s = lock.prepareStatement("SELECT pg_advisory_unlock(hashtext('tenantry-tenant:' || ?))")) {
            s.setString(1, orgId);
            s.executeQuery().close();
        }
    }
}
