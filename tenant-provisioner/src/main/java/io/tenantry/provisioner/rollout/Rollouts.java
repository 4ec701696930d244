package io.tenantry.provisioner.rollout;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

import io.tenantry.common.problem.ApiProblem;
import io.tenantry.provisioner.fleet.FleetStatus;
import io.tenantry.provisioner.tenant.ResultsMigrations;
import io.tenantry.provisioner.tenant.TenantDowngrade;

/**
 * Fleet rollouts of new results migrations (or, with a lower target version, of their inverses) to every live
 * tenant, as the REST API and the command line start and follow them: recorded by the store, worked off by the
 * runner.
 */
@ApplicationScoped
public class Rollouts {

    private static final Logger LOG = Logger.getLogger(Rollouts.class);

    @Inject
    RolloutStore store;

    @Inject
    RolloutRunner runner;

    @Inject
    ResultsMigrations migrations;

    @Inject
    ManagedExecutor background;

    /** Records a rollout and works it off in the background; returns its first view. */
    public RolloutView start(RolloutPlan plan, String requestedBy) {
        RolloutPlan complete = complete(plan);
        try {
            UUID id = store.create(complete, requestedBy);
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
        return runner.run(store.create(complete, requestedBy), complete, migrations.locations());
    }

    /** The plan with defaults filled in; a target version this build does not carry is refused. */
    private static RolloutPlan complete(RolloutPlan plan) {
        if (plan.targetVersion() != null) {
            TenantDowngrade.requireReleased(plan.targetVersion());
        }
        return plan.withDefaults();
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
