package io.tenantry.provisioner.move;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
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

import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.scheduler.Scheduled;
import io.tenantry.common.OrgId;
import io.tenantry.common.lifecycle.OrganizationStatus;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.provisioner.audit.AuditTrail;
import io.tenantry.provisioner.locks.AdvisoryLocks;
import io.tenantry.provisioner.placement.Placement;
import io.tenantry.provisioner.reconcile.Organizations;
import io.tenantry.provisioner.reconcile.TenantChanges;
import io.tenantry.provisioner.registry.Tenant;
import io.tenantry.provisioner.registry.TenantRegistry;
import io.tenantry.provisioner.servers.TenantServers;
import io.tenantry.provisioner.tenant.TenantDatabases;
import io.tenantry.provisioner.tenant.TenantMigrations;
import io.tenantry.provisioner.tenant.TenantRoles;

/**
 * Moves a live tenant to another server. The target gets the tenant's database at its schema version and its role,
 * and subscribes to a publication of the tenant's tables on the source: PostgreSQL copies them and then streams
 * every change while the tenant keeps serving from the source ({@code copying}). Once the copy trails by little,
 * the switch ({@code switching}): results-service stops taking the tenant's writes (503, reads go on), the source
 * refuses the tenant role's writes, the last of them arrives on the target, sequences follow, and the registry
 * points at the target ({@code switched}); the source's database, slot and role go ({@code done}). Before the switch
 * an abort or a failure takes away everything the move made and the tenant stays where it was; from the switch on
 * the move is finished forward, by a resumed provisioner if this one dies.
 */
@ApplicationScoped
public class Moves {

    private static final Logger LOG = Logger.getLogger(Moves.class);
    private static final String MAINTENANCE = "moving";
    private static final long REPLICATION_ERRORS_TOLERATED = 10;
    /** How long results-service replicas are given to act on an announcement before the source shuts the tenant out. */
    private static final Duration ANNOUNCEMENT_GRACE = Duration.ofMillis(500);

    @Inject
    MoveStore store;

    @Inject
    Replication replication;

    @Inject
    TenantRegistry registry;

    @Inject
    TenantDatabases databases;

    @Inject
    TenantMigrations migrations;

    @Inject
    TenantRoles roles;

    @Inject
    TenantServers servers;

    @Inject
    TenantChanges changes;

    @Inject
    Placement placement;

    @Inject
    Organizations organizations;

    @Inject
    AdvisoryLocks locks;

    @Inject
    AuditTrail audit;

    @Inject
    ProvisionerConfig config;

    @Inject
    ManagedExecutor background;

    @Inject
    MeterRegistry metrics;

    private final Set<UUID> driving = ConcurrentHashMap.newKeySet();
    private Semaphore permits;

    @PostConstruct
    void init() {
        permits = new Semaphore(config.moves().concurrency());
    }

    /** Starts moving the tenant to {@code targetServer}, or to the emptiest open server of {@code targetRegion}. */
    public MoveView request(String orgId, String targetServer, String targetRegion, String requestedBy) {
        MoveView move = enqueue(orgId, target(orgId, targetServer, targetRegion), "on-demand", requestedBy);
        driveWaiting();
        return store.find(move.id()).orElseThrow();
    }

    /** Records a move for {@link #driveWaiting} to carry out, after checking the tenant may move there. */
    MoveView enqueue(String orgId, String target, String reason, String requestedBy) {
        Tenant tenant = movable(orgId);
        if (target.equals(tenant.server())) {
            throw ApiProblem.conflict("tenant '" + orgId + "' is on server '" + target + "' already");
        }
        UUID id = UUID.randomUUID();
        store.create(id, orgId, tenant.server(), target, reason, requestedBy);
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
            if (driving.contains(move.id())) {
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
                    drive(move.id());
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

    @Scheduled(every = "5s", delayed = "5s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            driveWaiting();
        } catch (RuntimeException e) {
            LOG.warnf("driving moves: %s", e.getMessage());
        }
    }

    /** Takes the move from its recorded step to its end. */
    void drive(UUID id) {
        MoveView move = store.find(id).orElseThrow();
        OrgId orgId = OrgId.of(move.orgId());
        String step = move.step();
        try {
            Tenant tenant = registry.find(orgId.value()).orElseThrow();
            if (!MoveStore.SWITCHED.equals(step) && move.targetServer().equals(tenant.server())) {
                // Killed between pointing the registry at the target and recording it.
                store.step(id, MoveStore.SWITCHED);
                step = MoveStore.SWITCHED;
            }
            if (!MoveStore.SWITCHED.equals(step)) {
                copyAndSwitch(move, tenant, orgId);
                step = MoveStore.SWITCHED;
            }
            finishOnTarget(store.find(id).orElseThrow(), orgId);
        } catch (Aborted aborted) {
            giveUp(move, orgId, MoveStore.ABORTED, "aborted by an operator");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            store.error(id, "interrupted; resumed at the next start");
        } catch (SQLException | RuntimeException e) {
            String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (MoveStore.SWITCHED.equals(step) || livesOn(orgId, move.targetServer())) {
                store.error(id, error);
                LOG.errorf("move %s of %s stopped after the switch (resumed at the next start): %s", id, orgId, error);
            } else {
                giveUp(move, orgId, MoveStore.FAILED, error);
            }
        }
    }

    private void copyAndSwitch(MoveView move, Tenant tenant, OrgId orgId) throws SQLException, InterruptedException {
        UUID id = move.id();
        String source = move.sourceServer();
        String target = move.targetServer();
        checkAbort(id);
        if (!tenant.holdsData()) {
            throw new IllegalStateException("tenant is " + tenant.status().wire() + "; only an active or suspended one moves");
        }
        if (!databases.exists(target, orgId.databaseName()) || !replication.subscribed(target, orgId)) {
            // A first start, or a process killed while it prepared: whatever it left goes, and the copy begins anew.
            reopen(source, orgId);
            prepareTarget(move, tenant, orgId);
        } else if (MoveStore.SWITCHING.equals(move.step())) {
            // A process killed in the switch: writes resume until the next attempt.
            reopen(source, orgId);
        }
        store.step(id, MoveStore.COPYING);
        long bytesTotal = replication.sourceBytes(source, orgId);
        int attempts = 0;
        boolean structuresComplete = false;
        while (true) {
            checkAbort(id);
            Replication.Progress progress = replication.progress(target, orgId);
            Long lag = replication.lagBytes(source, orgId);
            store.progress(id, progress, bytesTotal, lag);
            if (progress.errors() > REPLICATION_ERRORS_TOLERATED) {
                throw new IllegalStateException("logical replication failed " + progress.errors()
                        + " times; the target server's log says why");
            }
            if (progress.synced() && !structuresComplete) {
                // Indexes and foreign keys are built while changes queue up; the copy catches up before a switch.
                replication.completeStructures(source, target, orgId);
                structuresComplete = true;
                continue;
            }
            if (progress.synced() && lag != null && lag <= config.moves().switchLagBytes()) {
                requireSameSchema(source, target, orgId);
                if (trySwitch(move, tenant, orgId)) {
                    return;
                }
                if (++attempts >= config.moves().switchAttempts()) {
                    throw new IllegalStateException("the copy did not catch up within "
                            + config.moves().switchTimeout().toMillis() + " ms of paused writes, " + attempts + " times");
                }
            }
            Thread.sleep(250);
        }
    }

    /** The tenant's database at its schema version on the target, its role, and the replication between them. */
    private void prepareTarget(MoveView move, Tenant tenant, OrgId orgId) throws SQLException, InterruptedException {
        String source = move.sourceServer();
        String target = move.targetServer();
        replication.unsubscribe(target, orgId);
        replication.dropSlots(source, orgId);
        replication.unpublish(source, orgId);
        databases.createEmpty(target, orgId.databaseName());
        migrations.buildSchemaAt(target, orgId.databaseName(), migrations.schemaVersion(source, orgId));
        replication.dropSecondaryStructures(target, orgId);
        roles.ensure(target, orgId, tenant.credentialGeneration());
        migrations.grantTables(target, orgId);
        replication.publish(source, orgId);
        replication.subscribe(target, source, orgId);
    }

    /**
     * Pauses the tenant's writes, waits for the last of them on the target and points the registry there. Returns
     * false, with writes resumed on the source, when the target did not catch up within the switch timeout.
     */
    private boolean trySwitch(MoveView move, Tenant tenant, OrgId orgId) throws SQLException, InterruptedException {
        UUID id = move.id();
        String source = move.sourceServer();
        String target = move.targetServer();
        if (tenant.status() == OrganizationStatus.SUSPENDED) {
            roles.lockOut(target, orgId);
        } else {
            roles.grantConnect(target, orgId);
        }
        try (Connection sourceDb = replication.tenantDatabase(source, orgId);
             Connection targetDb = replication.tenantDatabase(target, orgId)) {
            store.step(id, MoveStore.SWITCHING);
            long paused = System.nanoTime();
            close(orgId);
            replication.fenceWrites(sourceDb, orgId);
            replication.awaitOpenTransactions(sourceDb, orgId, config.moves().switchTimeout().toMillis() / 2);
            String marker = replication.flushMarker(sourceDb);
            long deadline = paused + config.moves().switchTimeout().toNanos();
            while (!replication.caughtUp(targetDb, marker)) {
                if (System.nanoTime() > deadline) {
                    LOG.warnf("move %s of %s: the target did not catch up in time; writes resume on %s", id, orgId,
                            source);
                    reopen(source, orgId);
                    store.step(id, MoveStore.COPYING);
                    return false;
                }
                Thread.sleep(2);
            }
            if (!replication.schemaHistory(sourceDb).equals(replication.schemaHistory(targetDb))) {
                LOG.warnf("move %s of %s: a migration reached the source during the switch; writes resume", id, orgId);
                reopen(source, orgId);
                store.step(id, MoveStore.COPYING);
                return false;
            }
            replication.copySequences(sourceDb, targetDb);
            registry.moveTo(orgId.value(), target);
            changes.announce(orgId.value());
            int pauseMs = (int) ((System.nanoTime() - paused) / 1_000_000);
            store.switched(id, pauseMs);
            metrics.timer("tenantry_move_write_pause").record(Duration.ofMillis(pauseMs));
            LOG.infof("moved %s from %s to %s; writes paused %d ms", orgId, source, target, pauseMs);
            return true;
        }
    }

    /**
     * After the switch: the source's sessions of the tenant end (a results-service replica that missed the
     * announcement is sent to the registry again), replication is taken down, and the source's database and role go.
     */
    private void finishOnTarget(MoveView move, OrgId orgId) throws SQLException, InterruptedException {
        String source = move.sourceServer();
        String target = move.targetServer();
        if (databases.exists(source, orgId.databaseName())) {
            // Replicas that heard the announcement send nothing new to the source; what they were reading finishes.
            Thread.sleep(ANNOUNCEMENT_GRACE.toMillis());
            try (Connection sourceDb = replication.tenantDatabase(source, orgId)) {
                replication.awaitOpenTransactions(sourceDb, orgId, config.moves().switchTimeout().toMillis());
            }
            roles.lockOut(source, orgId);
        }
        replication.unsubscribe(target, orgId);
        replication.dropSlots(source, orgId);
        databases.drop(source, orgId);
        roles.drop(source, orgId);
        String from = servers.get(source).region();
        String to = servers.get(target).region();
        if (!from.equals(to)) {
            organizations.reportRegion(orgId.value(), to, move.requestedBy(), "moved to server " + target);
        }
        store.finish(move.id(), MoveStore.DONE, null);
        changes.announce(orgId.value());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("from", source);
        details.put("to", target);
        details.put("reason", move.reason());
        details.put("writePauseMs", move.writePauseMs());
        audit.record(move.requestedBy(), orgId.value(), "tenant.move", move.id().toString(), details);
        metrics.counter("tenantry_moves_total", "outcome", "done").increment();
    }

    /** Before the switch: everything the move made goes, and the tenant serves from the source as before. */
    private void giveUp(MoveView move, OrgId orgId, String outcome, String error) {
        LOG.warnf("move %s of %s %s before the switch; the tenant stays on %s: %s", move.id(), orgId, outcome,
                move.sourceServer(), error);
        try {
            String source = move.sourceServer();
            String target = move.targetServer();
            replication.unsubscribe(target, orgId);
            replication.dropSlots(source, orgId);
            replication.unpublish(source, orgId);
            databases.drop(target, orgId);
            roles.drop(target, orgId);
            reopen(source, orgId);
            store.finish(move.id(), outcome, error);
            metrics.counter("tenantry_moves_total", "outcome", outcome).increment();
        } catch (SQLException | RuntimeException e) {
            store.error(move.id(), error + "; cleaning up failed too (retried at the next start): " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            store.error(move.id(), error + "; interrupted while cleaning up");
        }
    }

    /** The source takes the tenant's writes again, and results-service sends them there. */
    private void reopen(String source, OrgId orgId) throws SQLException {
        if (databases.exists(source, orgId.databaseName())) {
            migrations.grantTables(source, orgId);
        }
        if (registry.find(orgId.value()).map(t -> MAINTENANCE.equals(t.maintenance())).orElse(false)) {
            registry.setMaintenance(orgId.value(), null);
            changes.announce(orgId.value());
        }
    }

    private boolean livesOn(OrgId orgId, String server) {
        return registry.find(orgId.value()).map(t -> server.equals(t.server())).orElse(false);
    }

    private void close(OrgId orgId) {
        registry.setMaintenance(orgId.value(), MAINTENANCE);
        changes.announce(orgId.value());
    }

    private void requireSameSchema(String source, String target, OrgId orgId) {
        String there = migrations.schemaVersion(target, orgId);
        String here = migrations.schemaVersion(source, orgId);
        if (!here.equals(there)) {
            throw new IllegalStateException("the tenant's schema changed to " + here + " during the move (the copy is at "
                    + there + "); move it again");
        }
    }

    private void checkAbort(UUID id) {
        if (store.find(id).map(MoveView::abortRequested).orElse(false)) {
            throw new Aborted();
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
    private String target(String orgId, String targetServer, String targetRegion) {
        if ((targetServer == null) == (targetRegion == null)) {
            throw ApiProblem.invalid("targetServer", "name either a target server or a target region");
        }
        Tenant tenant = movable(orgId);
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

    /** An operator's abort, noticed at a checkpoint before the switch. */
    private static final class Aborted extends RuntimeException {
        Aborted() {
            super("aborted", null, false, false);
        }
    }
}
