package io.tenantry.provisioner.rollout;

import static io.tenantry.common.lifecycle.OrganizationStatus.ACTIVE;
import static io.tenantry.common.lifecycle.OrganizationStatus.SUSPENDED;

import java.time.OffsetDateTime;
import java.util.concurrent.ExecutionException;
import io.tenantry.provisioner.fleet.FleetStatus;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.MeterRegistry;
import io.tenantry.common.OrgId;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.provisioner.registry.Tenant;
import io.tenantry.provisioner.registry.TenantRegistry;
import io.tenantry.provisioner.tenant.ResultsMigrations;
import io.tenantry.provisioner.tenant.TenantMigrations;

/**
 * Applies new results migrations to every live tenant: a canary group first, then the rest with bounded
 * parallelism, each tenant's outcome and duration recorded so the rollout can be polled, and resumed where it
 * stopped if the process dies. One tenant's failure is recorded against it and does not block the others.
 */
@ApplicationScoped
public class FleetRollout {

    private static final Logger LOG = Logger.getLogger(FleetRollout.class);

    @Inject
    AgroalDataSource metadata;

    @Inject
    TenantRegistry registry;

    @Inject
    TenantMigrations tenantMigrations;

    @Inject
    ResultsMigrations migrations;

    @Inject
    ManagedExecutor background;

    @Inject
    MeterRegistry metrics;

    /** For the REST API: starts a rollout and returns its first view. */
    public RolloutView startNow(RolloutPlan plan, String requestedBy) {
        try {
            return find(start(plan, requestedBy)).orElseThrow();
        } catch (SQLException e) {
            throw FleetStatus.unavailable(e);
        }
    }

    /** For the REST API: the rollout's progress, or 404. */
    public RolloutView view(UUID id) {
        try {
            return find(id).orElseThrow(() -> ApiProblem.notFound("rollout " + id + " not found"));
        } catch (SQLException e) {
            throw FleetStatus.unavailable(e);
        }
    }

    /** Records a rollout over every active or suspended tenant and starts it in the background. */
    public UUID start(RolloutPlan plan, String requestedBy) throws SQLException {
        UUID id = plan(plan.withDefaults(), requestedBy);
        background.runAsync(() -> {
            try {
                run(id, plan.withDefaults(), migrations.locations());
            } catch (SQLException | RuntimeException e) {
                LOG.errorf(e, "rollout %s failed", id);
            }
        });
        return id;
    }

    /** Records the rollout and its tenants; the first {@code canarySize} tenants by id are the canaries. */
    public UUID plan(RolloutPlan plan, String requestedBy) throws SQLException {
        UUID id = UUID.randomUUID();
        try (Connection c = metadata.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement op = c.prepareStatement("""
                    INSERT INTO provisioner.operations (id, kind, status, parameters, total, requested_by)
                    SELECT ?, 'rollout', 'running',
                           jsonb_build_object('canarySize', ?, 'parallelism', ?, 'maxFailures', ?), count(*), ?
                      FROM provisioner.tenants WHERE status IN (?, ?)""");
                 PreparedStatement tenants = c.prepareStatement("""
                    INSERT INTO provisioner.operation_tenants (operation_id, org_id, canary, status, from_version)
                    SELECT ?, org_id, row_number() OVER (ORDER BY org_id) <= ?, 'pending', schema_version
                      FROM provisioner.tenants WHERE status IN (?, ?)""")) {
                op.setObject(1, id);
                op.setInt(2, plan.canarySize());
                op.setInt(3, plan.parallelism());
                op.setInt(4, plan.maxFailures());
                op.setString(5, requestedBy);
                op.setString(6, ACTIVE.wire());
                op.setString(7, SUSPENDED.wire());
                op.executeUpdate();
                tenants.setObject(1, id);
                tenants.setInt(2, plan.canarySize());
                tenants.setString(3, ACTIVE.wire());
                tenants.setString(4, SUSPENDED.wire());
                tenants.executeUpdate();
                c.commit();
            } catch (SQLException e) {
                c.rollback();
                throw e;
            }
        }
        return id;
    }

    /**
     * Works through the rollout's pending tenants: canaries, then the rest. Safe to call again for a rollout whose
     * process died; only pending tenants are touched, under an advisory lock so one process runs it at a time.
     */
    public RolloutView run(UUID id, RolloutPlan plan, List<String> locations) throws SQLException {
        try (Connection lock = metadata.getConnection()) {
            if (!lock(lock, id, "pg_try_advisory_lock")) {
                throw ApiProblem.conflict("rollout " + id + " is being run by another process");
            }
            try {
                if (!runGroup(id, true, plan, locations)) {
                    finish(id, "stopped", "a canary tenant failed; the rest were not touched");
                } else if (!runGroup(id, false, plan, locations)) {
                    finish(id, "stopped", "more than " + plan.maxFailures() + " tenants failed; the rest were not touched");
                } else {
                    RolloutView view = find(id).orElseThrow();
                    finish(id, view.failed() == 0 ? "succeeded" : "failed", view.failed() == 0 ? null
                            : view.failed() + " tenants failed and stay on their previous version");
                }
            } finally {
                // The connection goes back to the pool, so the session lock must be released explicitly.
                lock(lock, id, "pg_advisory_unlock");
            }
        }
        return find(id).orElseThrow();
    }

    /** Returns false when the rollout must stop. */
    private boolean runGroup(UUID id, boolean canaries, RolloutPlan plan, List<String> locations) throws SQLException {
        List<String> pending = pending(id, canaries);
        AtomicInteger failures = new AtomicInteger(find(id).orElseThrow().failed());
        int allowed = canaries ? 0 : plan.maxFailures();
        ExecutorService workers = Executors.newFixedThreadPool(Math.max(1, plan.parallelism()));
        try {
            List<Future<?>> running = new ArrayList<>();
            for (String orgId : pending) {
                running.add(workers.submit(() -> {
                    if (failures.get() > allowed) {
                        return;
                    }
                    if (!migrateOne(id, orgId, locations)) {
                        failures.incrementAndGet();
                    }
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e.getCause());
        } finally {
            workers.shutdownNow();
        }
        return failures.get() <= allowed;
    }

    private boolean migrateOne(UUID id, String orgId, List<String> locations) {
        long start = System.nanoTime();
        Tenant tenant = registry.find(orgId).orElseThrow();
        OrgId org = OrgId.of(orgId);
        try {
            List<TenantMigrations.Migration> applied = tenantMigrations.migrate(tenant.server(), org, locations);
            applied.forEach(m -> registry.recordMigration(orgId, m.version(), m.description(), m.durationMs()));
            String version = applied.isEmpty() ? tenant.schemaVersion() : applied.get(applied.size() - 1).version();
            if (!applied.isEmpty()) {
                registry.setSchemaVersion(orgId, version);
            }
            record(id, orgId, "succeeded", version, start, null);
            metrics.counter("tenantry_rollout_tenants_total", "outcome", "succeeded").increment();
            return true;
        } catch (Exception e) {
            String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            registry.setStatus(orgId, tenant.status(), "rollout " + id + ": " + error);
            record(id, orgId, "failed", tenant.schemaVersion(), start, error);
            metrics.counter("tenantry_rollout_tenants_total", "outcome", "failed").increment();
            LOG.warnf("rollout %s: %s failed: %s", id, orgId, error);
            return false;
        }
    }

    public Optional<RolloutView> find(UUID id) throws SQLException {
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT status, total, succeeded, failed, message, requested_by, started_at, finished_at, parameters::text
                  FROM provisioner.operations WHERE id = ?""")) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new RolloutView(id, rs.getString(1), rs.getInt(2), rs.getInt(3), rs.getInt(4),
                        rs.getInt(2) - rs.getInt(3) - rs.getInt(4), rs.getString(5), rs.getString(6),
                        rs.getObject(7, OffsetDateTime.class), rs.getObject(8, OffsetDateTime.class),
                        failures(c, id)));
            }
        }
    }

    private List<RolloutView.TenantFailure> failures(Connection c, UUID id) throws SQLException {
        List<RolloutView.TenantFailure> failures = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement("""
                SELECT org_id, from_version, duration_ms, error FROM provisioner.operation_tenants
                 WHERE operation_id = ? AND status = 'failed' ORDER BY org_id LIMIT 100""")) {
            s.setObject(1, id);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    failures.add(new RolloutView.TenantFailure(rs.getString(1), rs.getString(2), rs.getInt(3),
                            rs.getString(4)));
                }
            }
        }
        return failures;
    }

    private List<String> pending(UUID id, boolean canaries) throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement("""
                SELECT org_id FROM provisioner.operation_tenants
                 WHERE operation_id = ? AND status = 'pending' AND canary = ? ORDER BY org_id""")) {
            s.setObject(1, id);
            s.setBoolean(2, canaries);
            try (ResultSet rs = s.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getString(1));
                }
            }
        }
        return ids;
    }

    private void record(UUID id, String orgId, String status, String version, long startNanos, String error) {
        try (Connection c = metadata.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement tenant = c.prepareStatement("""
                    UPDATE provisioner.operation_tenants SET status = ?, to_version = ?, duration_ms = ?, error = ?
                     WHERE operation_id = ? AND org_id = ?""");
                 PreparedStatement counts = c.prepareStatement(status.equals("succeeded")
                         ? "UPDATE provisioner.operations SET succeeded = succeeded + 1 WHERE id = ?"
                         : "UPDATE provisioner.operations SET failed = failed + 1 WHERE id = ?")) {
                tenant.setString(1, status);
                tenant.setString(2, version);
                tenant.setInt(3, (int) ((System.nanoTime() - startNanos) / 1_000_000));
                tenant.setString(4, error);
                tenant.setObject(5, id);
                tenant.setString(6, orgId);
                tenant.executeUpdate();
                counts.setObject(1, id);
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

    private void finish(UUID id, String status, String message) throws SQLException {
        try (Connection c = metadata.getConnection(); PreparedStatement s = c.prepareStatement(
                "UPDATE provisioner.operations SET status = ?, message = ?, finished_at = now() WHERE id = ?")) {
            s.setString(1, status);
            s.setString(2, message);
            s.setObject(3, id);
            s.executeUpdate();
        }
    }

    private static boolean lock(Connection c, UUID id, String function) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT " + function + "(hashtext('tenantry-rollout:' || ?))")) {
            s.setString(1, id.toString());
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }
}
