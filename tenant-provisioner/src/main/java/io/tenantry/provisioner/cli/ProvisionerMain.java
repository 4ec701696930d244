package io.tenantry.provisioner.cli;

import java.sql.SQLException;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.inject.Inject;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.flywaydb.core.Flyway;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.QuarkusApplication;
import io.quarkus.runtime.annotations.QuarkusMain;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.provisioner.downgrade.TenantDowngrades;
import io.tenantry.provisioner.fleet.FleetStatus;
import io.tenantry.provisioner.move.Moves;
import io.tenantry.provisioner.reconcile.Reconciler;
import io.tenantry.provisioner.restore.Restores;
import io.tenantry.provisioner.rollout.RolloutPlan;
import io.tenantry.provisioner.rollout.RolloutStatus;
import io.tenantry.provisioner.rollout.RolloutView;
import io.tenantry.provisioner.rollout.Rollouts;

/**
 * Without arguments the provisioner runs as a service. With one it runs that command and exits, for a
 * Kubernetes Job or init step: {@code migrate} (the registry schema, then exit), {@code reconcile},
 * {@code status}, {@code rollout [--canary N] [--parallelism P] [--max-failures F] [--to V] [--verify]} (exit code 1 unless every
 * tenant reached the version; {@code --to} a lower one downgrades the fleet), or {@code downgrade ORG --to V} (one
 * tenant). The service and the rollout command both first finish rollouts a killed process left running.
 */
@QuarkusMain
public class ProvisionerMain implements QuarkusApplication {

    private static final Logger LOG = Logger.getLogger(ProvisionerMain.class);

    @Inject
    Reconciler reconciler;

    @Inject
    Rollouts rollouts;

    @Inject
    FleetStatus fleet;

    @Inject
    Restores restores;

    @Inject
    DataCommands dataCommands;

    @Inject
    MoveCommands moveCommands;

    @Inject
    Moves moves;

    @Inject
    TenantDowngrades downgrades;

    @Inject
    ObjectMapper json;

    @Inject
    ManagedExecutor background;

    @Inject
    Flyway flyway;

    @Override
    public int run(String... args) throws Exception {
        if (args.length == 0) {
            resumeInterruptedInBackground();
            Quarkus.waitForExit();
            return 0;
        }
        switch (args[0]) {
            // Flyway migrated the registry while the application started; a Kubernetes init step needs no more.
            case "migrate" -> System.out.println("tenant registry at version " + flyway.info().current().getVersion());
            case "reconcile" -> System.out.println("moved " + reconciler.reconcileAll() + " organizations");
            case "status" -> System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(fleet.summary()));
            case "rollout" -> {
                List<String> flags = List.of(args).subList(1, args.length);
                boolean verify = flags.contains("--verify");
                Map<String, Integer> options;
                try {
                    options = options(flags.stream().filter(f -> !"--verify".equals(f)).toArray(String[]::new),
                            Set.of("--canary", "--parallelism", "--max-failures", "--to"));
                } catch (IllegalArgumentException unclear) {
                    return usage(unclear.getMessage());
                }
                RolloutPlan plan = new RolloutPlan(options.get("--canary"), options.get("--parallelism"),
                        options.get("--max-failures"), version(options.get("--to")), verify);
                // A Job killed mid-rollout is started again: what it left running is finished before the new one.
                rollouts.resumeInterrupted();
                RolloutView result = rollouts.runToEnd(plan, "cli");
                System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(result));
                return RolloutStatus.SUCCEEDED.wire().equals(result.status()) ? 0 : 1;
            }
            case "downgrade" -> {
                String orgId = args.length > 1 ? args[1] : "";
                String to;
                try {
                    to = version(options(Arrays.copyOfRange(args, Math.min(2, args.length), args.length),
                            Set.of("--to")).get("--to"));
                } catch (IllegalArgumentException unclear) {
                    return usage(unclear.getMessage());
                }
                try {
                    System.out.println(json.writerWithDefaultPrettyPrinter()
                            .writeValueAsString(downgrades.downgrade(orgId, to, "cli")));
                } catch (ApiProblem refused) {
                    System.err.println("downgrade refused: " + refused.getMessage());
                    return 1;
                }
            }
            default -> {
                Integer data = dataCommands.run(args, System.out, System.err);
                if (data == null) {
                    data = moveCommands.run(args, System.out, System.err);
                }
                if (data != null) {
                    return data;
                }
                return usage("unknown command: " + args[0]);
            }
        }
        return 0;
    }

    /** Rollouts, restores and moves a killed process left unfinished are taken to their end while the service runs. */
    private void resumeInterruptedInBackground() {
        background.runAsync(() -> {
            try {
                rollouts.resumeInterrupted();
                restores.resumeInterrupted();
                moves.driveWaiting();
            } catch (SQLException | RuntimeException e) {
                LOG.errorf(e, "could not resume interrupted rollouts, restores and moves");
            }
        });
    }

    private static String version(Integer option) {
        return option == null ? null : option.toString();
    }

    private static int usage(String problem) {
        System.err.println(problem + "\nusage: [migrate | reconcile | status"
                + " | rollout [--canary N] [--parallelism P] [--max-failures F] [--to V] [--verify] | downgrade ORG --to V | "
                + DataCommands.USAGE + " | " + MoveCommands.USAGE + "]");
        return 2;
    }

    /**
     * Options among {@code known}, each with a number; a misspelled, repeated or valueless option, or a value that is
     * not a number, is refused rather than ignored.
     */
    private static Map<String, Integer> options(String[] args, Set<String> known) {
        Map<String, Integer> options = new HashMap<>();
        for (int i = 0; i < args.length; i += 2) {
            if (!known.contains(args[i]) || i + 1 == args.length || options.containsKey(args[i])) {
                throw new IllegalArgumentException("unknown, repeated or valueless option: " + args[i]);
            }
            try {
                options.put(args[i], Integer.parseInt(args[i + 1]));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(args[i] + " takes a number, not " + args[i + 1]);
            }
        }
        return options;
    }
}
