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
import io.tenantry.common.lifecycle.DesiredState;
import io.tenantry.common.lifecycle.OrganizationStatus;

/**
 * The provisioner's side of metadata-service's organizations: it reads their lifecycle through the view metadata-service
 * grants it, and reports the observed status through metadata-service's function, which takes only legal moves and
 * writes the audit entry with the change.
 */
@ApplicationScoped
public class Organizations {

    static final String ACTOR = "tenant-provisioner";

    private static final String LAGGING_ORGANIZATIONS = """
              FROM organization_lifecycle l
              JOIN unnest(?::text[], ?::text[]) AS lagging (desired_state, status)
                ON lagging.desired_state = l.desired_state AND lagging.status = l.status""";
    private static final String LAGGING = "SELECT l.org_id " + LAGGING_ORGANIZATIONS + " ORDER BY l.updated_at LIMIT ?";
    private static final String LAG = "SELECT count(*), coalesce(extract(epoch FROM now() - min(l.updated_at)), 0) "
            + LAGGING_ORGANIZATIONS;

    @Inject
    AgroalDataSource metadata;

    /** What an organization should be and what it is, with the region it is placed in. */
    public record Lifecycle(String orgId, OrganizationStatus status, DesiredState desiredState, String region) {
    }

    /** Organizations whose observed status lags their desired state (a step leads on from it), oldest change first. */
    public List<String> needingWork(int limit) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement(LAGGING)) {
            bindLaggingStates(c, s);
            s.setInt(3, limit);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    /** How many organizations lag their desired state, and how long the one waiting longest has waited. */
    public record Lag(long organizations, double oldestSeconds) {
    }

    public Lag lag() throws SQLException {
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement(LAG)) {
            bindLaggingStates(c, s);
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return new Lag(rs.getLong(1), rs.getDouble(2));
            }
        }
    }

    /** The (desired state, observed status) pairs a lifecycle step leads on from, as parameters 1 and 2. */
    private static void bindLaggingStates(Connection c, PreparedStatement s) throws SQLException {
        List<String> desired = new ArrayList<>();
        List<String> observed = new ArrayList<>();
        for (DesiredState state : DesiredState.values()) {
            for (OrganizationStatus status : OrganizationStatus.values()) {
                if (LifecycleStep.toward(state, status).isPresent()) {
                    desired.add(state.wire());
                    observed.add(status.wire());
                }
            }
        }
        s.setArray(1, c.createArrayOf("text", desired.toArray()));
        s.setArray(2, c.createArrayOf("text", observed.toArray()));
    }

    public Optional<Lifecycle> read(String orgId) throws SQLException {
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT org_id, status, desired_state, region FROM organization_lifecycle WHERE org_id = ?")) {
            s.setString(1, orgId);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new Lifecycle(rs.getString(1), OrganizationStatus.fromWire(rs.getString(2)),
                        DesiredState.fromWire(rs.getString(3)), rs.getString(4)));
            }
        }
    }

    /**
     * Moves the observed status from {@code expected} to {@code status} and records why. Returns false, changing
     * nothing, when the status is no longer {@code expected}; an illegal move fails with SQLSTATE TY409.
     */
    public boolean report(String orgId, OrganizationStatus expected, OrganizationStatus status, String reason)
            throws SQLException {
        try (Connection c = metadata.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT report_organization_status(?, ?, ?, ?, ?, NULL)")) {
            s.setString(1, orgId);
            s.setString(2, expected.wire());
            s.setString(3, status.wire());
            s.setString(4, reason);
            s.setString(5, ACTOR);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** Records that the organization now lives in {@code region} (its tenant moved there), with the audit entry. */
    public void reportRegion(String orgId, String region, String actor, String reason) throws SQLException {
        try (Connection c = metadata.getConnection();
             PreparedStatement s = c.prepareStatement("SELECT report_organization_region(?, ?, ?, ?)")) {
            s.setString(1, orgId);
            s.setString(2, region);
            s.setString(3, actor);
            s.setString(4, reason);
            s.executeQuery().close();
        }
    }
}
