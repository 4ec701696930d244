package io.tenantry.provisioner.rollout;

import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.tenantry.common.paging.Page;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.provisioner.audit.AuditTrail;
import io.tenantry.provisioner.fleet.FleetStatus;
import io.tenantry.provisioner.locks.AdvisoryLocks;
import io.tenantry.provisioner.tenant.ResultsMigrations;
import io.tenantry.provisioner.tenant.TenantDowngrade;
import io.tenantry.provisioner.tenant.TenantRoles;

/**
 * Fleet rollouts of new results migrations (or, with a lower target version, of their inverses) to every live
 * tenant, as the REST API and the command line start and follow them: recorded by the store, worked off by the
 * runner.
 */
@ApplicationScoped
public class Rollouts {

    private static final Logger LOG = Logger.getLogger(Rollouts.class);
    /** Every tenant's database looked at, none of them stopping the others. */
    private static final RolloutPlan DRIFT_CHECK = new RolloutPlan(0, null, 100_000, null, true);

    @Inject
    RolloutStore store;

    @Inject
    RolloutRunner runner;

    @Inject
    ResultsMigrations migrations;

    @Inject
    ManagedExecutor background;

    @Inject
    TenantRoles roles;

    @Inject
    AdvisoryLocks locks;

    @Inject
    ProvisionerConfig config;

    @Inject
    AuditTrail audit;

    /** Records a rollout and works it off in the background; returns its first view. */
    public RolloutView start(RolloutPlan plan, String requestedBy) {
        RolloutPlan complete = complete(plan);
        try {
            UUID id = create(complete, requestedBy);
            audit.recordFleet(requestedBy, "fleet.rollout", id.toString(), planDetails(complete));
            runInBackground(id, complete);
            return store.find(id).orElseThrow();
        } catch (SQLException e) {
            throw FleetStatus.unavailable(e);
        }
    }

    /** The rollout's progress, or 404. */
    public RolloutView view(UUID id) {
        try {
            return store.find(id).orElseThrow(() -> ApiProblem.notFound("rollout " + id + " not found"));
        } catch (SQLException e) {
            throw FleetStatus.unavailable(e);
        }
    }

    /** Rollouts, newest first, a keyset page at a time. */
    public Page<RolloutView> list(String after, int limit) {
        try {
            return store.list(after, limit);
        } catch (SQLException e) {
            throw FleetStatus.unavailable(e);
        }
    }

    /** Pauses a running rollout: the tenants under way finish, no other starts until it is resumed. */
    public RolloutView pause(UUID id, String by) {
        return transition(id, EnumSet.of(RolloutStatus.RUNNING), RolloutStatus.PAUSED, "paused", "paused by " + by,
                by);
    }

    /** Resumes a paused rollout where it stopped, with the plan it was started with, in the background. */
    public RolloutView resume(UUID id, String by) {
        RolloutView resumed = transition(id, EnumSet.of(RolloutStatus.PAUSED), RolloutStatus.RUNNING, "resumed", null,
                by);
        try {
            runInBackground(id, store.plan(id).orElseThrow());
        } catch (SQLException e) {
            throw FleetStatus.unavailable(e);
        }
        return resumed;
    }

    /** Cancels a running or paused rollout: the tenants under way finish, the rest stay pending and untouched. */
    public RolloutView cancel(UUID id, String by) {
        return transition(id, EnumSet.of(RolloutStatus.RUNNING, RolloutStatus.PAUSED), RolloutStatus.CANCELLED,
                "cancelled", "cancelled by " + by, by);
    }

    /**
     * The rollout after the change, 404 when there is none, 409 when it is not in one of {@code from}; the change
     * is audited as the rollout's, with {@code change} the {@code verb}.
     */
    private RolloutView transition(UUID id, Set<RolloutStatus> from, RolloutStatus to, String verb, String message,
                                   String by) {
        try {
            if (!store.transition(id, from, to, message)) {
                RolloutView current = view(id);
                throw ApiProblem.conflict("rollout " + id + " is " + current.status() + "; only a "
                        + from.stream().map(RolloutStatus::wire).collect(Collectors.joining(" or "))
                        + " rollout can be " + verb);
            }
            audit.recordFleet(by, "fleet.rollout", id.toString(), Map.of("change", verb));
            return view(id);
        } catch (SQLException e) {
            throw FleetStatus.unavailable(e);
        }
    }

    /**
     * Runs to their end, each with its own plan, the rollouts a killed process left running; a rollout another
     * process is running is left to it.
     */
    public List<RolloutView> resumeInterrupted() throws SQLException {
        List<RolloutView> resumed = new ArrayList<>();
        for (RolloutStore.Running rollout : store.running()) {
            runner.runUnlessRunning(rollout.id(), rollout.plan(), migrations.locations()).ifPresent(view -> {
                LOG.infof("resumed interrupted rollout %s: %s", view.id(), view.status());
                resumed.add(view);
            });
        }
        return resumed;
    }

    /** Records a rollout and works it off in this thread, to its end. */
    public RolloutView runToEnd(RolloutPlan plan, String requestedBy) throws SQLException {
        RolloutPlan complete = complete(plan);
        return runner.run(create(complete, requestedBy), complete, migrations.locations());
    }

    /**
     * Runs a drift check when the last one is older than {@code rollouts.drift-check-interval}: a rollout that opens
     * every tenant's database rather than trusting the registry, one replica at a time.
     */
    @Scheduled(every = "10m", delayed = "5m", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void driftCheckWhenDue() {
        Duration interval = config.rollouts().driftCheckInterval();
        if (interval.isZero()) {
            return;
        }
        try {
            Optional<AdvisoryLocks.Lock> lock = locks.tryDriftCheck();
            if (lock.isEmpty()) {
                return;
            }
            try (AdvisoryLocks.Lock held = lock.get()) {
                Optional<OffsetDateTime> last = store.lastDriftCheck();
                if (last.isEmpty() || last.get().plus(interval).isBefore(OffsetDateTime.now())) {
                    RolloutView result = runToEnd(DRIFT_CHECK, "drift-check");
                    LOG.infof("drift check %s: %d tenants looked at, %d failed", result.id(), result.total(),
                            result.failed());
                }
            }
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("drift check: %s", e.getMessage());
        }
    }

    /** Records the rollout; tenants the registry shows at its version with the current session limits are done. */
    private UUID create(RolloutPlan plan, String requestedBy) throws SQLException {
        String version = plan.targetVersion() != null ? plan.targetVersion() : migrations.newestVersion().orElse(null);
        return store.create(plan, requestedBy, version, roles.sessionLimits());
    }

    /** The plan with defaults filled in; a target version this build does not carry is refused. */
    private static RolloutPlan complete(RolloutPlan plan) {
        if (plan.targetVersion() != null) {
            TenantDowngrade.requireReleased(plan.targetVersion());
        }
        return plan.withDefaults();
    }

    private static Map<String, Object> planDetails(RolloutPlan plan) {
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("change", "started");
        details.put("canarySize", plan.canarySize());
        details.put("parallelism", plan.parallelism());
        details.put("maxFailures", plan.maxFailures());
        details.put("targetVersion", plan.targetVersion());
        return details;
    }

    private void runInBackground(UUID id, RolloutPlan plan) {
        background.runAsync(() -> {
            try {
                runner.run(id, plan, migrations.locations());
            } catch (SQLException | RuntimeException e) {
                LOG.errorf(e, "rollout %s failed", id);
            }
        });
    }
}
