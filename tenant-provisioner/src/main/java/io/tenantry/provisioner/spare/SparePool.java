package io.tenantry.provisioner.spare;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.quarkus.scheduler.Scheduled;
import io.tenantry.common.OrgId;
import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.provisioner.locks.AdvisoryLocks;
import io.tenantry.provisioner.placement.ServerStates;
import io.tenantry.provisioner.servers.TenantServers;
import io.tenantry.provisioner.tenant.ResultsMigrations;
import io.tenantry.provisioner.tenant.SpareDatabases;

/**
 * A few databases per open server, made and migrated to the newest results schema before any organization needs
 * them, so provisioning renames one instead of copying and migrating a database while the organization waits.
 * Refills build one spare at a time per server (under the server's advisory lock, across replicas), and the same
 * pass drops what no one may hand out: builds a killed process left, spares at an older schema version, spares of a
 * closed server or beyond {@code spares.per-server}, claims whose provisioning ended without them.
 */
@ApplicationScoped
public class SparePool {

    private static final Logger LOG = Logger.getLogger(SparePool.class);

    @Inject
    SpareStore store;

    @Inject
    SpareDatabases databases;

    @Inject
    TenantServers servers;

    @Inject
    ServerStates states;

    @Inject
    ResultsMigrations migrations;

    @Inject
    AdvisoryLocks locks;

    @Inject
    ProvisionerConfig config;

    @Inject
    MeterRegistry metrics;

    private final ExecutorService refills = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "spare-refill");
        t.setDaemon(true);
        return t;
    });
    private final Set<String> refillsQueued = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> readyGauges = new ConcurrentHashMap<>();

    @PreDestroy
    void stop() {
        refills.shutdownNow();
    }

    /**
     * Makes a spare the organization's database on {@code server} and returns its schema version; empty when no
     * spare at the newest version is ready there (or the pool is off), and provisioning builds the database itself.
     * A claim left by a pass that stopped midway is resumed, so a crash never strands a claimed spare.
     */
    public Optional<String> takeFor(String server, OrgId orgId) throws SQLException {
        Optional<SpareStore.Spare> claimed = store.ofOrganization(orgId.value());
        if (claimed.isEmpty()) {
            Optional<String> newest = migrations.newestVersion();
            if (config.spares().perServer() <= 0 || newest.isEmpty()) {
                return Optional.empty();
            }
            claimed = store.claim(server, newest.get(), orgId.value());
            refillSoon(server);
            if (claimed.isEmpty()) {
                count("fallback");
                return Optional.empty();
            }
        }
        SpareStore.Spare spare = claimed.get();
        switch (databases.renameTo(spare.server(), spare.database(), orgId)) {
            case RENAMED -> {
                if (spare.state() == SpareStore.State.CLAIMED) {
                    store.markTaken(spare.database());
                    count("claimed");
                }
                return Optional.of(spare.schemaVersion());
            }
            case TENANT_HAS_ONE -> store.release(spare.database());
            case SPARE_MISSING -> store.forget(spare.database());
        }
        count("fallback");
        return Optional.empty();
    }

    @Scheduled(every = "${tenantry.provisioner.spares.refill-interval}", delayed = "3s",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        servers.all().keySet().forEach(this::refillQuietly);
    }

    /** Refills the server's pool in the background, unless a refill of it is already waiting. */
    void refillSoon(String server) {
        if (refillsQueued.add(server)) {
            refills.execute(() -> {
                refillsQueued.remove(server);
                refillQuietly(server);
            });
        }
    }

    private void refillQuietly(String server) {
        try {
            refill(server);
        } catch (SQLException | RuntimeException e) {
            metrics.counter("tenantry_spare_errors_total").increment();
            LOG.warnf("spare databases on %s not refilled: %s", server, e.getMessage());
        }
    }

    /**
     * Clears out what may not be handed out, then builds spares one at a time until the server holds its target at
     * the newest version. Returns false, doing nothing, while another process refills the same server.
     */
    public boolean refill(String server) throws SQLException {
        Optional<AdvisoryLocks.Lock> lock = locks.trySpareBuild(server);
        if (lock.isEmpty()) {
            return false;
        }
        try (AdvisoryLocks.Lock held = lock.get()) {
            Optional<String> newest = migrations.newestVersion();
            int target = newest.isEmpty() || states.closed().contains(server) ? 0 : config.spares().perServer();
            for (String orphan : store.building(server)) {
                discard(server, orphan);
            }
            for (String abandoned : store.abandonedClaims(server)) {
                discard(server, abandoned);
            }
            List<SpareStore.Spare> ready = store.ready(server);
            int kept = 0;
            for (SpareStore.Spare spare : ready) {
                if (spare.schemaVersion().equals(newest.orElse(null)) && kept < target) {
                    kept++;
                } else if (store.removeReady(spare.database())) {
                    databases.drop(server, spare.database());
                }
            }
            Set<String> known = store.unfinished(server);
            for (String unknown : databases.onServer(server)) {
                if (!known.contains(unknown)) {
                    databases.drop(server, unknown);
                }
            }
            for (; kept < target; kept++) {
                build(server, newest.get());
            }
            readyGauge(server).set(kept);
            return true;
        }
    }

    private void build(String server, String newest) throws SQLException {
        String spare = SpareDatabases.newName();
        store.startBuilding(spare, server);
        Timer.Sample sample = Timer.start(metrics);
        try {
            String version = databases.build(server, spare);
            if (!version.equals(newest)) {
                throw new IllegalStateException("spare reached version " + version + ", not " + newest);
            }
            store.markReady(spare, version);
            sample.stop(metrics.timer("tenantry_spare_build_seconds", Tags.of("server", server)));
        } catch (SQLException | RuntimeException e) {
            discard(server, spare);
            throw e;
        }
    }

    private void discard(String server, String spare) throws SQLException {
        databases.drop(server, spare);
        store.forget(spare);
    }

    private void count(String outcome) {
        metrics.counter("tenantry_provisioning_spares_total", Tags.of("outcome", outcome)).increment();
    }

    private AtomicLong readyGauge(String server) {
        return readyGauges.computeIfAbsent(server,
                s -> metrics.gauge("tenantry_spares_ready", Tags.of("server", s), new AtomicLong()));
    }
}
