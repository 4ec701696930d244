package io.tenantry.provisioner.console;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
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
import io.tenantry.provisioner.rollout.RolloutPlan;
import io.tenantry.provisioner.rollout.RolloutView;
import io.tenantry.provisioner.rollout.Rollouts;

/**
 * What the console's pages show and what its actions do: metadata (status, server, schema version, backups, moves,
 * rollouts) and database health, nothing of a tenant's data. Desired state (onboarding, suspending, resuming) is metadata-service's,
 * asked with the operator's token; backups and rollouts are this service's own, audited as theirs.
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

    /** A tenant's page: its registry row and history, its server's region, its latest backups and its moves. */
    public record TenantPage(FleetStatus.TenantDetail tenant, String region, List<BackupView> backups,
                             List<MoveView> moves, HealthSnapshot health) {
    }

    public Overview overview(String after) {
        if (after != null && !after.isEmpty()) {
            OrgId.of(after);
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
        FleetStatus.TenantDetail tenant = fleet.tenant(orgId);
        ProvisionerConfig.Server server = tenant.server() == null ? null : config.servers().get(tenant.server());
        return new TenantPage(tenant, server == null ? null : server.region(),
                backups.list(orgId, null, RECENT_BACKUPS), moves.list(orgId),
                tenant.server() == null ? null : health.current(OrgId.of(orgId)));
    }

    public List<RolloutView> rollouts() {
        return rollouts.list(null, RECENT_ROLLOUTS).items();
    }

    public RolloutView rollout(UUID id) {
        return rollouts.view(id);
    }

    /** The regions operators may onboard into: those of the configured servers. */
    public List<String> regions() {
        return config.servers().values().stream().map(ProvisionerConfig.Server::region).distinct().sorted().toList();
    }

    /** What an onboarding form asks for, checked before it is shown for confirmation or sent. */
    public record Onboarding(String orgId, String displayName, String region, String leadEmail) {

        public Onboarding {
            OrgId.of(orgId);
            if (displayName == null || displayName.isBlank() || displayName.length() > 200) {
                throw ApiProblem.invalid("displayName", "must be 1 to 200 characters");
            }
            if (region == null || !region.matches("^[a-z][a-z0-9-]{0,39}$")) {
                throw ApiProblem.invalid("region", "must be a region name such as eu-west");
            }
            if (leadEmail == null || leadEmail.length() > 254 || !leadEmail.matches("^[^@\\s]+@[^@\\s]+$")) {
                throw ApiProblem.invalid("leadEmail", "must be the email address of an existing person");
            }
        }
    }

    public void onboard(ConsoleSession.Operator operator, Onboarding onboarding) {
        metadata.onboard(operator.token(), onboarding.orgId(), onboarding.displayName(), onboarding.region(),
                onboarding.leadEmail());
    }

    /** Suspends or resumes the tenant (through metadata-service) or starts a backup of it. */
    public void act(ConsoleSession.Operator operator, String orgId, String action) {
        String id = OrgId.of(orgId).value();
        switch (action) {
            case "suspend" -> metadata.suspend(operator.token(), id);
            case "resume" -> metadata.resume(operator.token(), id);
            case "backups" -> backups.start(id, operator.subject());
            default -> throw ApiProblem.notFound("no action '" + action + "'");
        }
    }

    /** A rollout's plan from the console's form: blanks take the API's defaults, the API's bounds apply (400). */
    public RolloutPlan plan(Integer canarySize, Integer parallelism, Integer maxFailures, String targetVersion) {
        RolloutPlan plan = new RolloutPlan(canarySize, parallelism, maxFailures,
                targetVersion == null || targetVersion.isBlank() ? null : targetVersion.trim(), false).withDefaults();
        Set<ConstraintViolation<RolloutPlan>> violations = validator.validate(plan);
        if (!violations.isEmpty()) {
            throw new ConstraintViolationException(violations);
        }
        return plan;
    }

    public RolloutView startRollout(ConsoleSession.Operator operator, RolloutPlan plan) {
        return rollouts.start(plan, operator.subject());
    }
}
