package io.tenantry.provisioner.move;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.tenantry.common.OrgId;
import io.tenantry.common.lifecycle.OrganizationStatus;
import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.provisioner.audit.AuditTrail;
import io.tenantry.provisioner.jdbc.TransientFailures;
import io.tenantry.provisioner.reconcile.Organizations;
import io.tenantry.provisioner.reconcile.TenantChanges;
import io.tenantry.provisioner.registry.Tenant;
import io.tenantry.provisioner.registry.TenantRegistry;
import io.tenantry.provisioner.servers.TenantServers;
import io.tenantry.provisioner.tenant.TenantDatabases;
import io.tenantry.provisioner.tenant.TenantMigrations;
import io.tenantry.provisioner.tenant.TenantRoles;

/**
 * The steps of one move, from its recorded step to its end. {@code copying}: the target gets the tenant's database
 * at its schema version (without secondary indexes and foreign keys until the copy is in sync) and its role, and
 * subscribes to a publication of the tenant's tables on the source; PostgreSQL copies them and then streams every
 * change while the tenant keeps serving from the source. Once the copy trails by little, the switch
 * ({@code switching}): results-service stops taking the tenant's writes (503, reads go on), the source refuses the
 * tenant role's writes, the last of them arrives on the target, sequences follow, and the registry points at the
 * target ({@code switched}); the source's database, slot and role go ({@code done}). Before the switch an abort or a
 * failure takes away everything the move made and the tenant stays where it was; from the switch on the move is
 * finished forward.
 */
@ApplicationScoped
class MoveSteps {

    private static final Logger LOG = Logger.getLogger(MoveSteps.class);
    private static final String MAINTENANCE = "moving";
    private static final long REPLICATION_ERRORS_TOLERATED = 10;
    /**
     * How long results-service replicas are given to act on the switch's announcement, closing their connections to
     * the source, before the source shuts the tenant out and ends what is left.
     */
    private static final Duration ANNOUNCEMENT_PATIENCE = Duration.ofSeconds(5);

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
    Organizations organizations;

    @Inject
    AuditTrail audit;

    @Inject
    ProvisionerConfig config;

    @Inject
    MeterRegistry metrics;

    /**
     * Takes the move from its recorded step to its end, or as far as it gets: a failure after the switch, or a
     * transient one before it, leaves the move in its step with the error recorded, for the next pass to resume.
     */
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
            store.error(id, "interrupted; resumed by the next pass");
        } catch (SQLException | RuntimeException e) {
            String error = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (MoveStore.SWITCHED.equals(step) || livesOn(orgId, move.targetServer())) {
                store.error(id, error);
                LOG.errorf("move %s of %s stopped after the switch (resumed at the next pass): %s", id, orgId, error);
            } else if (TransientFailures.isTransient(e)) {
                // A server away or busy, or a lost race with the subscription's own writes (a deadlock while the
                // foreign keys are built): the move keeps its step and the next pass resumes it from there.
                store.error(id, "paused, tried again shortly: " + error);
                LOG.warnf("move %s of %s paused before the switch; tried again shortly: %s", id, orgId, error);
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
            try (Connection sourceDb = replication.tenantDatabase(source, orgId)) {
                // Replicas that heard the announcement send nothing new to the source; what they were reading finishes.
                replication.awaitSessionsClosed(sourceDb, orgId, ANNOUNCEMENT_PATIENCE.toMillis());
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

    /** An operator's abort, noticed at a checkpoint before the switch. */
    private static final class Aborted extends RuntimeException {
        Aborted() {
            super("aborted", null, false, false);
        }
    }
}
