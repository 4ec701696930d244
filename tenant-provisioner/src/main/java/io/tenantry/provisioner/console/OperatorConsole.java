package io.tenantry.provisioner.console;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;

import io.tenantry.common.OrgId;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.provisioner.backup.BackupView;
import io.tenantry.provisioner.backup.Backups;
import io.tenantry.provisioner.dbhealth.FleetHealth;
import io.tenantry.provisioner.dbhealth.HealthSnapshot;
import io.tenantry.provisioner.dbhealth.TenantHealth;
import io.tenantry.provisioner.fleet.FleetStatus;
import io.tenantry.provisioner.move.MoveView;
import io.tenantry.provisioner.move.Moves;
import io.tenantry.provisioner.restore.RestoreView;
import io.tenantry.provisioner.restore.Restores;
import io.tenantry.provisioner.rollout.RolloutPlan;
import io.tenantry.provisioner.rollout.RolloutView;
import io.tenantry.provisioner.rollout.Rollouts;
import io.tenantry.provisioner.tenant.TenantDowngrade;

/**
 * What the console's pages show and what its actions do: metadata (status, server, schema version, backups, moves,
 * rollouts) and database health, nothing of a tenant's data. Desired state (onboarding, suspending, resuming) is metadata-service's,
 * asked with the operator's token; backups, restores, moves and rollouts are this service's own, audited as theirs.
 * What the services refuse (bad input, not found, conflict) is raised as {@link ActionRefused}, shown as a page.
 */
@ApplicationScoped
public class OperatorConsole {

    static final int PAGE = 100;
    static final int RECENT_ROLLOUTS = 20;
    static final int RECENT_BACKUPS = 20;
    static final int WORST_TENANTS = 5;

    @Inject
    FleetStatus fleet;

    @Inject
    Backups backups;

    @Inject
    Moves moves;

    @Inject
    Restores restores;

    @Inject
    Rollouts rollouts;

    @Inject
    TenantHealth health;

    @Inject
    MetadataClient metadata;

    @Inject
    ProvisionerConfig config;

    @Inject
    Validator validator;

    /** The fleet's counts and one page of its tenants from after {@code after}; {@code next} is the next page's start. */
    public record Overview(FleetStatus.Summary summary, int total, List<FleetStatus.Listed> tenants, String next,
                           FleetHealth health) {
    }

    /**
     * A tenant's page: its registry row and history, its server's region, its latest backups, restores and moves,
     * the backups it can be restored from and the servers and regions it can move to.
     */
    public record TenantPage(FleetStatus.TenantDetail tenant, String region, List<BackupView> backups,
                             List<RestoreView> restores, List<MoveView> moves, HealthSnapshot health,
                             List<BackupView> restorable, List<String> moveServers, List<String> moveRegions) {

        /** Whether a restore or move is under way, so the page reloads itself to follow it. */
        public boolean busy() {
            return restores.stream().anyMatch(r -> r.finishedAt() == null)
                    || moves.stream().anyMatch(m -> !m.finished());
        }
    }

    /** Where the move form sends a tenant: a configured server, or a region (placement chooses its server). */
    public record MoveTarget(String server, String region) {

        /** {@code server:<name>} or {@code region:<name>}, as the tenant page's choice carries it. */
        static MoveTarget parse(String choice) {
            String value = choice == null ? "" : choice;
            if (value.startsWith("server:") && value.length() > 7) {
                return new MoveTarget(value.substring(7), null);
            }
            if (value.startsWith("region:") && value.length() > 7) {
                return new MoveTarget(null, value.substring(7));
            }
            throw ApiProblem.invalid("target", "must name a server (server:<name>) or a region (region:<name>)");
        }

        /** As the confirmation names it; a server or region that is not configured is refused (400). */
        String described(Map<String, ProvisionerConfig.Server> servers) {
            if (server != null) {
                if (!servers.containsKey(server)) {
                    throw ApiProblem.invalid("target", "no server '" + server + "' is configured");
                }
                return "server " + server + " (region " + servers.get(server).region() + ")";
            }
            if (servers.values().stream().noneMatch(s -> s.region().equals(region))) {
                throw ApiProblem.invalid("target", "no server is configured in region '" + region + "'");
            }
            return "the emptiest open server of region " + region;
        }
    }

    public Overview overview(String after) {
        if (after != null && !after.isEmpty()) {
            orgId(after);
        }
        FleetStatus.Summary summary = fleet.summary();
        List<FleetStatus.Listed> tenants = fleet.tenants(after, PAGE + 1);
        String next = tenants.size() > PAGE ? tenants.get(PAGE - 1).orgId() : null;
        int total = summary.byStatus().entrySet().stream().filter(e -> !e.getKey().equals("deleted"))
                .mapToInt(Map.Entry::getValue).sum();
        List<FleetStatus.Listed> shown = tenants.subList(0, Math.min(PAGE, tenants.size()));
        return new Overview(new FleetStatus.Summary(new TreeMap<>(summary.bySchemaVersion()),
                summary.byStatus(), summary.byServer(), summary.failing()), total, shown, next,
                health.fleetSummary(WORST_TENANTS));
    }

    public TenantPage tenant(String orgId) {
        FleetStatus.TenantDetail tenant = ActionRefused.shownAsPage(() -> fleet.tenant(orgId));
        ProvisionerConfig.Server server = tenant.server() == null ? null : config.servers().get(tenant.server());
        List<BackupView> recent = backups.list(orgId, null, RECENT_BACKUPS);
        List<String> moveServers = moves.targets(orgId);
        return new TenantPage(tenant, server == null ? null : server.region(), recent, restores.list(orgId),
                moves.list(orgId), tenant.server() == null ? null : health.current(OrgId.of(orgId)),
                recent.stream().filter(b -> b.completed() && b.verifyError() == null).toList(), moveServers,
                moveServers.stream().map(s -> config.servers().get(s).region()).distinct().sorted().toList());
    }

    /** The organization id of a console path or form, checked (400 page). */
    public String orgId(String orgId) {
        return ActionRefused.shownAsPage(() -> OrgId.of(orgId).value());
    }

    public List<RolloutView> rollouts() {
        return rollouts.list(null, RECENT_ROLLOUTS).items();
    }

    public RolloutView rollout(UUID id) {
        return ActionRefused.shownAsPage(() -> rollouts.view(id));
    }

    /** The regions operators may onboard into: those of the configured servers. */
    public List<String> regions() {
        return config.servers().values().stream().map(ProvisionerConfig.Server::region).distinct().sorted().toList();
    }

    /**
     * What an onboarding form asks for, checked before it is shown for confirmation or sent; {@code leadName} names
     * the lead's account if it has to be created (blank: the email's local part).
     */
    public record Onboarding(String orgId, String displayName, String region, String leadEmail, String leadName) {

        public Onboarding {
            OrgId.of(orgId);
            if (displayName == null || displayName.isBlank() || displayName.length() > 200) {
                throw ApiProblem.invalid("displayName", "must be 1 to 200 characters");
            }
            if (region == null || !region.matches("^[a-z][a-z0-9-]{0,39}$")) {
                throw ApiProblem.invalid("region", "must be a region name such as eu-west");
            }
            if (leadEmail == null || leadEmail.length() > 254 || !leadEmail.matches("^[^@\\s]+@[^@\\s]+$")) {
                throw ApiProblem.invalid("leadEmail", "must be an email address");
            }
            if (leadName != null && leadName.length() > 200) {
                throw ApiProblem.invalid("leadName", "must be at most 200 characters");
            }
        }
    }

    /** The onboarding form's fields, checked (400 page). */
    public Onboarding onboarding(String orgId, String displayName, String region, String leadEmail, String leadName) {
        return ActionRefused.shownAsPage(() -> new Onboarding(orgId, displayName, region, leadEmail, leadName));
    }

    /** An onboarding done: the lead's first password when their account was created for it (shown once), or null. */
    public record Onboarded(String orgId, String leadEmail, String leadPassword) {
    }

    public Onboarded onboard(ConsoleSession.Operator operator, Onboarding onboarding) {
        String password = ConsoleCookies.randomValue();
        boolean created = metadata.onboard(operator.token(), onboarding.orgId(), onboarding.displayName(),
                onboarding.region(), onboarding.leadEmail(), onboarding.leadName(), password);
        return new Onboarded(onboarding.orgId(), onboarding.leadEmail(), created ? password : null);
    }

    /**
     * Suspends or resumes the tenant (through metadata-service), or starts a backup of it, a restore from the backup
     * {@code choice} or a move to the target {@code choice}; the restore and the move are audited when they are done.
     */
    public void act(ConsoleSession.Operator operator, String orgId, String action, String choice) {
        String id = orgId(orgId);
        switch (action) {
            case "suspend" -> metadata.suspend(operator.token(), id);
            case "resume" -> metadata.resume(operator.token(), id);
            case "backups" -> ActionRefused.shownAsPage(() -> backups.start(id, operator.subject()));
            case "restores" ->
                    ActionRefused.shownAsPage(() -> restores.restore(id, backupId(choice), operator.subject()));
            case "moves" -> ActionRefused.shownAsPage(() -> {
                MoveTarget to = MoveTarget.parse(choice);
                return moves.request(id, to.server(), to.region(), operator.subject());
            });
            default -> throw new ActionRefused(404, "no action '" + action + "'");
        }
    }

    /** The tenant's completed backup {@code backupId}, which a restore in place would load (400, 404, 409 page). */
    public BackupView restorable(String orgId, String backupId) {
        return ActionRefused.shownAsPage(() -> {
            BackupView backup = backups.get(OrgId.of(orgId).value(), backupId(backupId));
            if (!backup.completed()) {
                throw ApiProblem.conflict("backup " + backupId + " is " + backup.status()
                        + "; only a completed one restores");
            }
            return backup;
        });
    }

    /** The move form's choice, checked (400 page), as the confirmation describes it. */
    public String describeMove(String orgId, String target) {
        orgId(orgId);
        return ActionRefused.shownAsPage(() -> MoveTarget.parse(target).described(config.servers()));
    }

    /**
     * A rollout's plan from the console's form: blanks take the API's defaults, the API's bounds apply, the target
     * must be a released version (400 page).
     */
    public RolloutPlan plan(String canarySize, String parallelism, String maxFailures, String targetVersion) {
        RolloutPlan plan = new RolloutPlan(number("canarySize", canarySize), number("parallelism", parallelism),
                number("maxFailures", maxFailures),
                targetVersion == null || targetVersion.isBlank() ? null : targetVersion.trim(), false).withDefaults();
        Set<ConstraintViolation<RolloutPlan>> violations = validator.validate(plan);
        if (!violations.isEmpty()) {
            throw new ActionRefused(400, violations.stream().map(v -> "'" + v.getPropertyPath() + "' " + v.getMessage())
                    .sorted().collect(Collectors.joining("; ")));
        }
        if (plan.targetVersion() != null) {
            ActionRefused.shownAsPage(() -> {
                TenantDowngrade.requireReleased(plan.targetVersion());
                return plan;
            });
        }
        return plan;
    }

    public RolloutView startRollout(ConsoleSession.Operator operator, RolloutPlan plan) {
        return ActionRefused.shownAsPage(() -> rollouts.start(plan, operator.subject()));
    }

    private static Integer number(String field, String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Integer.valueOf(value.trim());
        } catch (NumberFormatException e) {
            throw new ActionRefused(400, "'" + field + "' must be a whole number");
        }
    }

    private static UUID backupId(String value) {
        try {
            return UUID.fromString(value == null ? "" : value.trim());
        } catch (IllegalArgumentException e) {
            throw ApiProblem.invalid("backupId", "must be a backup's id");
        }
    }
}
