package io.tenantry.provisioner.rollout;

import static io.tenantry.common.lifecycle.OrganizationStatus.ACTIVE;
import static io.tenantry.common.lifecycle.OrganizationStatus.SUSPENDED;
import static io.tenantry.provisioner.jdbc.Statements.bind;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.agroal.api.AgroalDataSource;
import io.tenantry.common.paging.Cursor;
import io.tenantry.common.paging.Page;

/**
 * Rollouts and each tenant's part in them ({@code provisioner.operations} and {@code operation_tenants}), so a
 * rollout can be polled, and resumed where it stopped if its process dies.
 */
@ApplicationScoped
public class RolloutStore {

    @Inject
    AgroalDataSource metadata;

    /** Records a rollout that visits every active or suspended tenant's database (tests, and what predates V6). */
    public UUID create(RolloutPlan plan, String requestedBy) throws SQLException {
        return create(plan, requestedBy, null, null);
    }

    /**
     * Records a rollout over every active or suspended tenant. Unless the plan verifies, tenants whose registry row
     * shows {@code upToDateVersion} and {@code sessionLimits} are recorded as succeeded at once (null: none are);
     * the first {@code canarySize} of the others by id are the canaries.
     */
    public UUID create(RolloutPlan plan, String requestedBy, String upToDateVersion, String sessionLimits)
            throws SQLException {
        UUID id = UUID.randomUUID();
        String tenants = """
                SELECT org_id, schema_version,
                       NOT ? AND ?::text IS NOT NULL AND schema_version = ? AND session_limits = ? AS up_to_date
                  FROM provisioner.tenants WHERE status IN (?, ?)""";
        Object[] tenantParameters = {Boolean.TRUE.equals(plan.verify()), upToDateVersion, upToDateVersion,
                sessionLimits, ACTIVE.wire(), SUSPENDED.wire()};
        try (Connection c = metadata.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement operation = c.prepareStatement("""
                    INSERT INTO provisioner.operations (id, kind, status, parameters, total, succeeded, requested_by)
                    SELECT ?, 'rollout', ?,
                           jsonb_build_object('canarySize', ?, 'parallelism', ?, 'maxFailures', ?,
                                              'targetVersion', ?::text, 'verify', ?,
                                              'upToDate', count(*) FILTER (WHERE up_to_date)),
                           count(*), count(*) FILTER (WHERE up_to_date), ?
                      FROM (""" + tenants + ") t");
                 PreparedStatement recorded = c.prepareStatement("""
                    INSERT INTO provisioner.operation_tenants (operation_id, org_id, canary, status, from_version,
                                                              to_version, duration_ms)
                    SELECT ?, org_id, NOT up_to_date AND row_number() OVER (PARTITION BY up_to_date ORDER BY org_id) <= ?,
                           CASE WHEN up_to_date THEN 'succeeded' ELSE 'pending' END, schema_version,
                           CASE WHEN up_to_date THEN schema_version END, CASE WHEN up_to_date THEN 0 END
                      FROM (""" + tenants + ") t")) {
                Object[] head = {id, RolloutStatus.RUNNING.wire(), plan.canarySize(), plan.parallelism(),
                        plan.maxFailures(), plan.targetVersion(), Boolean.TRUE.equals(plan.verify()), requestedBy};
                bind(operation, concat(head, tenantParameters));
                operation.executeUpdate();
                bind(recorded, concat(new Object[] {id, plan.canarySize()}, tenantParameters));
                recorded.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
        return id;
    }

    public Optional<RolloutView> find(UUID id) throws SQLException {
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT status, total, succeeded, failed, message, requested_by, started_at, finished_at,
                       parameters->>'targetVersion', coalesce((parameters->>'upToDate')::int, 0)
                  FROM provisioner.operations WHERE id = ?""")) {
            bind(s, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(view(id, rs, 1, failures(c, id)));
            }
        }
    }

    /** The view from the columns of {@link #find}'s query, starting at {@code first}. */
    private static RolloutView view(UUID id, ResultSet rs, int first, List<RolloutView.TenantFailure> failures)
            throws SQLException {
        int total = rs.getInt(first + 1);
        int succeeded = rs.getInt(first + 2);
        int failed = rs.getInt(first + 3);
        return new RolloutView(id, rs.getString(first), rs.getString(first + 8), total, rs.getInt(first + 9),
                succeeded, failed, total - succeeded - failed, rs.getString(first + 4), rs.getString(first + 5),
                rs.getObject(first + 6, OffsetDateTime.class), rs.getObject(first + 7, OffsetDateTime.class),
                failures);
    }

    /** A rollout recorded as running and the plan it was started with. */
    record Running(UUID id, RolloutPlan plan) {
    }

    private static final String PLAN_COLUMNS = """
            (parameters->>'canarySize')::int, (parameters->>'parallelism')::int, (parameters->>'maxFailures')::int,
            parameters->>'targetVersion', coalesce((parameters->>'verify')::boolean, false)""";

    /** Rollouts recorded as running, oldest first: being run now, or left behind by a process that died. */
    List<Running> running() throws SQLException {
        List<Running> running = new ArrayList<>();
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT id, " + PLAN_COLUMNS + " FROM provisioner.operations WHERE kind = 'rollout' AND status = ?"
                        + " ORDER BY started_at")) {
            bind(s, RolloutStatus.RUNNING.wire());
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    running.add(new Running(rs.getObject(1, UUID.class), plan(rs, 2)));
                }
            }
        }
        return running;
    }

    /** The plan the rollout was started with. */
    Optional<RolloutPlan> plan(UUID id) throws SQLException {
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT " + PLAN_COLUMNS + " FROM provisioner.operations WHERE id = ? AND kind = 'rollout'")) {
            bind(s, id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? Optional.of(plan(rs, 1)) : Optional.empty();
            }
        }
    }

    private static RolloutPlan plan(ResultSet rs, int first) throws SQLException {
        return new RolloutPlan(rs.getInt(first), rs.getInt(first + 1), rs.getInt(first + 2), rs.getString(first + 3),
                rs.getBoolean(first + 4));
    }

    /** Whether the rollout is running, so the runner starts another tenant (not when paused or cancelled). */
    boolean isRunning(UUID id) throws SQLException {
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement(
                "SELECT status = ? FROM provisioner.operations WHERE id = ?")) {
            bind(s, RolloutStatus.RUNNING.wire(), id);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /**
     * Moves the rollout from one of {@code from} to {@code to} in one statement, with the message; a cancelled
     * rollout is finished at that moment. False when it is in none of {@code from} (or does not exist).
     */
    boolean transition(UUID id, Set<RolloutStatus> from, RolloutStatus to, String message) throws SQLException {
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement("""
                UPDATE provisioner.operations
                   SET status = ?, message = ?, finished_at = CASE WHEN ? THEN now() END
                 WHERE id = ? AND kind = 'rollout' AND status = ANY (?)""")) {
            bind(s, to.wire(), message, to == RolloutStatus.CANCELLED, id,
                    c.createArrayOf("text", from.stream().map(RolloutStatus::wire).toArray()));
            return s.executeUpdate() == 1;
        }
    }

    /** Rollouts, newest first, a keyset page at a time (without their failures: {@link #find} has those). */
    public Page<RolloutView> list(String after, int limit) throws SQLException {
        String[] key = Cursor.decode(after, cursor -> {
            String[] parts = cursor.split("/", 2);
            OffsetDateTime.parse(parts[0]);
            UUID.fromString(parts[1]);
            return parts;
        });
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT id, status, total, succeeded, failed, message, requested_by, started_at, finished_at,
                       parameters->>'targetVersion', coalesce((parameters->>'upToDate')::int, 0)
                  FROM provisioner.operations
                 WHERE kind = 'rollout' AND (?::timestamptz IS NULL OR (started_at, id) < (?::timestamptz, ?::uuid))
                 ORDER BY started_at DESC, id DESC LIMIT ?""")) {
            bind(s, key == null ? null : key[0], key == null ? null : key[0], key == null ? null : key[1], limit + 1);
            List<RolloutView> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    rows.add(view(rs.getObject(1, UUID.class), rs, 2, List.of()));
                }
            }
            return Page.of(rows, limit, r -> r.startedAt() + "/" + r.id(), r -> r);
        }
    }

    /** The tenants of one group (canaries or the rest) the rollout has not touched yet, by id. */
    List<String> pending(UUID id, boolean canaries) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT org_id FROM provisioner.operation_tenants
                 WHERE operation_id = ? AND status = 'pending' AND canary = ? ORDER BY org_id""")) {
            bind(s, id, canaries);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    /** Records one tenant's outcome and counts it in the rollout's totals, together. */
    void recordTenant(UUID id, String orgId, boolean succeeded, String version, int durationMs, String error) {
        try (Connection c = metadata.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement tenant = c.prepareStatement("""
                    UPDATE provisioner.operation_tenants SET status = ?, to_version = ?, duration_ms = ?, error = ?
                     WHERE operation_id = ? AND org_id = ?""");
                 PreparedStatement counts = c.prepareStatement(succeeded
                         ? "UPDATE provisioner.operations SET succeeded = succeeded + 1 WHERE id = ?"
                         : "UPDATE provisioner.operations SET failed = failed + 1 WHERE id = ?")) {
                bind(tenant, succeeded ? "succeeded" : "failed", version, durationMs, error, id, orgId);
                tenant.executeUpdate();
                bind(counts, id);
                counts.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("could not record rollout progress", e);
        }
    }

    /** Takes a tenant that is no longer live out of the rollout and its total, in one statement. */
    void leaveOut(UUID id, String orgId) {
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement("""
                WITH removed AS (DELETE FROM provisioner.operation_tenants
                                  WHERE operation_id = ? AND org_id = ? AND status = 'pending' RETURNING org_id)
                UPDATE provisioner.operations SET total = total - (SELECT count(*) FROM removed) WHERE id = ?""")) {
            bind(s, id, orgId, id);
            s.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("could not record rollout progress", e);
        }
    }

    /** Ends a running rollout; one paused or cancelled meanwhile keeps that status. */
    void finish(UUID id, RolloutStatus status, String message) throws SQLException {
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement("""
                UPDATE provisioner.operations SET status = ?, message = ?, finished_at = now()
                 WHERE id = ? AND status = ?""")) {
            bind(s, status.wire(), message, id, RolloutStatus.RUNNING.wire());
            s.executeUpdate();
        }
    }

    private static List<RolloutView.TenantFailure> failures(Connection c, UUID id) throws SQLException {
        List<RolloutView.TenantFailure> failures = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT org_id, from_version, duration_ms, error FROM provisioner.operation_tenants
                 WHERE operation_id = ? AND status = 'failed' ORDER BY org_id LIMIT 100""")) {
            bind(s, id);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    failures.add(new RolloutView.TenantFailure(rs.getString(1), rs.getString(2), rs.getInt(3),
                            rs.getString(4)));
                }
            }
        }
        return failures;
    }

    /** When the last drift check (a rollout that verified every tenant) started; empty when none has. */
    Optional<OffsetDateTime> lastDriftCheck() throws SQLException {
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT max(started_at) FROM provisioner.operations
                 WHERE kind = 'rollout' AND (parameters->>'verify')::boolean""");
             ResultSet rs = s.executeQuery()) {
            rs.next();
            return Optional.ofNullable(rs.getObject(1, OffsetDateTime.class));
        }
    }

    private static Object[] concat(Object[] first, Object[] second) {
        Object[] all = Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }
}
