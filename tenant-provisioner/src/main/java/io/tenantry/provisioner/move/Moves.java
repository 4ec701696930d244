package io.tenantry.provisioner.move;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.context.ManagedExecutor;
import org.jboss.logging.Logger;

import io.quarkus.scheduler.Scheduled;
import io.tenantry.common.OrgId;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.provisioner.locks.AdvisoryLocks;
import io.tenantry.provisioner.placement.Placement;
import io.tenantry.provisioner.registry.Tenant;
import io.tenantry.provisioner.registry.TenantRegistry;
import io.tenantry.provisioner.servers.TenantServers;

/**
 * Moves of live tenants to other servers, as operators ask for them and as this replica carries them out: a move is
 * checked and recorded ({@code provisioner.moves}), then driven by {@link MoveSteps} under the tenant's advisory
 * lock, at most {@code moves.concurrency} at a time here; queued moves, those a killed process left and those paused
 * on an error are picked up every few seconds and when the service starts.
 */
@ApplicationScoped
public class Moves {

    private static final Logger LOG = Logger.getLogger(Moves.class);
    /** How long a move paused on an error waits before it is driven again. */
    private static final Duration RETRY_DELAY = Duration.ofSeconds(5);

    @Inject
    MoveStore store;

    @Inject
    MoveSteps steps;

    @Inject
    TenantRegistry registry;

    @Inject
    TenantServers servers;

    @Inject
    Placement placement;

    @Inject
    AdvisoryLocks locks;

    @Inject
    ProvisionerConfig config;

    @Inject
    ManagedExecutor background;

    private final Set<UUID> driving = ConcurrentHashMap.newKeySet();
    /** Moves a drive left unfinished (paused on an error), each with the time before which it is not driven again. */
    private final Map<UUID, Long> resting = new ConcurrentHashMap<>();
    private Semaphore permits;

    @PostConstruct
    void init() {
        permits = new Semaphore(config.moves().concurrency());
    }

    /** Starts moving the tenant to {@code targetServer}, or to the emptiest open server of {@code targetRegion}. */
    public MoveView request(String orgId, String targetServer, String targetRegion, String requestedBy) {
        Tenant tenant = movable(orgId);
        MoveView move = enqueue(tenant, target(tenant, targetServer, targetRegion), "on-demand", requestedBy);
        driveWaiting();
        return store.find(move.id()).orElseThrow();
    }

    /** The servers the tenant may be moved to now (open, with room, not its own), by region and name. */
    public List<String> targets(String orgId) {
        Optional<Tenant> tenant = registry.find(orgId).filter(t -> t.server() != null);
        if (tenant.isEmpty()) {
            return List.of();
        }
        Map<String, Integer> placed = registry.tenantsPerServer();
        return servers.all().values().stream().map(ProvisionerConfig.Server::region).distinct().sorted()
                .flatMap(region -> placement.candidates(region, Set.of(tenant.get().server()), placed).stream())
                .toList();
    }

    /** Records a move for {@link #driveWaiting} to carry out, after checking the tenant may move there. */
    MoveView enqueue(String orgId, String target, String reason, String requestedBy) {
        return enqueue(movable(orgId), target, reason, requestedBy);
    }

    private MoveView enqueue(Tenant tenant, String target, String reason, String requestedBy) {
        if (target.equals(tenant.server())) {
            throw ApiProblem.conflict("tenant '" + tenant.orgId() + "' is on server '" + target + "' already");
        }
        UUID id = UUID.randomUUID();
        store.create(id, tenant.orgId(), tenant.server(), target, reason, requestedBy);
        return store.find(id).orElseThrow();
    }

    /** Asks a move to stop and leave the tenant where it was; refused once its switch is done. */
    public MoveView abort(String orgId, UUID id) {
        MoveView move = view(orgId, id);
        if (move.finished()) {
            throw ApiProblem.conflict("move " + id + " is " + move.step() + " already");
        }
        if (!store.requestAbort(id)) {
            throw ApiProblem.conflict("move " + id + " has switched the tenant to '" + move.targetServer()
                    + "'; it is finished forward");
        }
        driveWaiting();
        return store.find(id).orElseThrow();
    }

    public MoveView view(String orgId, UUID id) {
        OrgId.of(orgId);
        return store.find(id).filter(m -> m.orgId().equals(orgId))
                .orElseThrow(() -> ApiProblem.notFound("move " + id + " of '" + orgId + "' not found"));
    }

    public List<MoveView> list(String orgId) {
        OrgId.of(orgId);
        return store.list(orgId);
    }

    /**
     * Starts driving unfinished moves nobody drives (new ones, queued ones, those a killed process left), as many as
     * this replica's concurrency allows; a move another replica drives holds its tenant's lock and is skipped.
     */
    public int driveWaiting() {
        int started = 0;
        for (MoveView move : store.unfinished()) {
            if (driving.contains(move.id()) || resting(move.id())) {
                continue;
            }
            if (!permits.tryAcquire()) {
                break;
            }
            Optional<AdvisoryLocks.Lock> lock = tryLock(move.orgId());
            if (lock.isEmpty() || !driving.add(move.id())) {
                lock.ifPresent(Moves::closeQuietly);
                permits.release();
                continue;
            }
            started++;
            background.runAsync(() -> {
                try (AdvisoryLocks.Lock held = lock.get()) {
                    steps.drive(move.id());
                    if (store.find(move.id()).map(m -> !m.finished()).orElse(false)) {
                        resting.put(move.id(), System.nanoTime() + RETRY_DELAY.toNanos());
                    }
                } catch (Exception e) {
                    LOG.errorf(e, "move %s of %s", move.id(), move.orgId());
                } finally {
                    driving.remove(move.id());
                    permits.release();
                }
                driveWaiting();
            });
        }
        return started;
    }

    private boolean resting(UUID id) {
        Long until = resting.get(id);
        if (until == null) {
            return false;
        }
        if (System.nanoTime() - until < 0) {
            return true;
        }
        resting.remove(id);
        return false;
    }

    @Scheduled(every = "5s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            driveWaiting();
        } catch (RuntimeException e) {
            LOG.warnf("driving moves: %s", e.getMessage());
        }
    }

    private Tenant movable(String orgId) {
        OrgId.of(orgId);
        Tenant tenant = registry.find(orgId).orElseThrow(() -> ApiProblem.notFound("tenant '" + orgId + "' not found"));
        if (!tenant.holdsData() || tenant.maintenance() != null) {
            throw ApiProblem.conflict("tenant '" + orgId + "' is " + (tenant.maintenance() != null
                    ? "under maintenance" : tenant.status().wire()) + "; only an active or suspended tenant moves");
        }
        return tenant;
    }

    /** The named server, checked, or the one placement would choose in the region. */
    private String target(Tenant tenant, String targetServer, String targetRegion) {
        if ((targetServer == null) == (targetRegion == null)) {
            throw ApiProblem.invalid("targetServer", "name either a target server or a target region");
        }
        if (targetRegion != null) {
            return placement.choose(targetRegion, Set.of(tenant.server())).orElseThrow(() -> ApiProblem.conflict(
                    "no open server with room in region '" + targetRegion + "'"));
        }
        if (!servers.all().containsKey(targetServer)) {
            throw ApiProblem.invalid("targetServer", "no server '" + targetServer + "' is configured");
        }
        if (!targetServer.equals(tenant.server()) && !placement.candidates(servers.get(targetServer).region(),
                Set.of(), registry.tenantsPerServer()).contains(targetServer)) {
            throw ApiProblem.conflict("server '" + targetServer + "' is closed to new tenants or full");
        }
        return targetServer;
    }

    private Optional<AdvisoryLocks.Lock> tryLock(String orgId) {
        try {
            return locks.tryTenant(orgId);
        } catch (SQLException e) {
            LOG.warnf("could not take the lock of tenant %s: %s", orgId, e.getMessage());
            return Optional.empty();
        }
    }

    private static void closeQuietly(AdvisoryLocks.Lock lock) {
        try {
            lock.close();
        } catch (SQLException e) {
            LOG.debugf("releasing a tenant lock: %s", e.getMessage());
        }
    }

}
