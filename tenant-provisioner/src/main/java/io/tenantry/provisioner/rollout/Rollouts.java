package io.tenantry.provisioner.rollout;

import java.sql.SQLException;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

import io.tenantry.common.problem.ApiProblem;
import io.tenantry.provisioner.fleet.FleetStatus;
import io.tenantry.provisioner.tenant.ResultsMigrations;

/**
 * Fleet rollouts of new results migrations to every live tenant, as the REST API and the command line start and
 * follow them: recorded by the store, worked off by the runner.
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
        RolloutPlan complete = plan.withDefaults();
        try {
            UUID id = store.create(complete, requestedBy);
            background.runAsync(() -> {
                try {
                    runner.run(id, complete, migrations.locations());
                } catch (SQLException | RuntimeException e) {
                    LOG.errorf(e, "rollout %s failed", id);
                }
            });
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

    /** Records a rollout and works it off in this thread, to its end. */
    public RolloutView runToEnd(RolloutPlan plan, String requestedBy) throws SQLException {
        RolloutPlan complete = plan.withDefaults();
        return runner.run(store.create(complete, requestedBy), complete, migrations.locations());
    }
}
