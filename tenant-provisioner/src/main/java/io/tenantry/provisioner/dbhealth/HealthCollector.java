package io.tenantry.provisioner.dbhealth;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.scheduler.Scheduled;
import io.tenantry.common.OrgId;
import io.tenantry.common.TenantCredentials;
import io.tenantry.provisioner.ProvisionerConfig;
import io.tenantry.provisioner.backup.BackupCatalog;
import io.tenantry.provisioner.backup.Backups;
import io.tenantry.provisioner.locks.AdvisoryLocks;
import io.tenantry.provisioner.servers.TenantServers;
import io.tenantry.provisioner.tenant.ResultsMigrations;
import io.tenantry.provisioner.tenant.TenantMigrations;

/**
 * Measures tenant databases and records a snapshot of each: the whole fleet on a schedule (one replica per interval,
 * under an advisory lock), one tenant on demand. However a collection is started, this replica measures at most
 * {@code health.per-server-concurrency} databases of one server at once; one tenant's failure is that tenant's
 * {@code unknown} snapshot and never stops the others.
 */
@ApplicationScoped
class HealthCollector {

    private static final Logger LOG = Logger.getLogger(HealthCollector.class);
    /** Names the collector's sessions in pg_stat_activity, so operators (and tests) can tell them apart. */
    static final String APPLICATION_NAME = "tenantry-health";
    /**
     * How old a server's sessions and statements may be when a pass lends them to a tenant: a pass measures a few
     * tenants a second, far under the thresholds of long transactions and lock waits.
     */
    private static final Duration PASS_CENSUS_AGE = Duration.ofSeconds(10);

    @Inject
    ProvisionerConfig config;

    @Inject
    TenantServers servers;

    @Inject
    TenantMigrations migrations;

    @Inject
    ResultsMigrations results;

    @Inject
    DatabaseMeasures measures;

    @Inject
    HealthStore store;

    @Inject
    HealthMetrics metrics;

    @Inject
    BackupCatalog backupCatalog;

    @Inject
    Backups backups;

    @Inject
    AdvisoryLocks locks;

    private final Map<String, Semaphore> serverSlots = new ConcurrentHashMap<>();
    private volatile boolean stopping;

    /**
     * A pass under way when the provisioner stops measures no more of its tenants (the next pass, on this replica
     * or another, does), rather than failing each on the beans being shut down.
     */
    void stop(@Observes ShutdownEvent event) {
        stopping = true;
    }

    @Scheduled(every = "${tenantry.provisioner.health.interval}", delayed = "1m",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void scheduled() {
        try {
            Optional<AdvisoryLocks.Lock> lock = locks.tryHealthCollection();
            if (lock.isPresent()) {
                try (AdvisoryLocks.Lock held = lock.get()) {
                    collectAll();
                }
            }
            // Another replica collected: the gauges still follow the registry.
            refreshMetrics();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf("tenant health collection: %s", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Measures every active tenant, a server's few at a time, and returns their new snapshots. */
    List<HealthSnapshot> collectAll() throws InterruptedException {
        List<HealthStore.Subject> subjects = store.collectable();
        List<HealthSnapshot> snapshots = new ArrayList<>();
        if (subjects.isEmpty()) {
            refreshMetrics();
            return snapshots;
        }
        int threads = Math.min(subjects.size(), Math.max(1, servers.all().size() * perServer()));
        ExecutorService workers = Executors.newFixedThreadPool(threads);
        ServerCensus census = new ServerCensus(PASS_CENSUS_AGE, this::readServer);
        try {
            List<Future<HealthSnapshot>> running = new ArrayList<>();
            for (HealthStore.Subject subject : subjects) {
                running.add(workers.submit(() -> stopping ? null : collect(subject, census)));
            }
            for (Future<HealthSnapshot> result : running) {
                try {
                    HealthSnapshot snapshot = result.get();
                    if (snapshot != null) {
                        snapshots.add(snapshot);
                    }
                } catch (ExecutionException e) {
                    // Only the registry failing to record a snapshot gets here; the next pass tries again.
                    LOG.warnf("tenant health not recorded: %s", e.getCause().getMessage());
                }
            }
        } finally {
            workers.shutdownNow();
        }
        refreshMetrics();
        return snapshots;
    }

    /**
     * Measures one tenant now in one of its server's slots, with its server's sessions and statements read afresh,
     * records the snapshot and prunes the tenant's history.
     */
    HealthSnapshot collect(HealthStore.Subject subject) throws InterruptedException {
        return collect(subject, new ServerCensus(Duration.ZERO, this::readServer));
    }

    private HealthSnapshot collect(HealthStore.Subject subject, ServerCensus census) throws InterruptedException {
        Semaphore slots = serverSlots.computeIfAbsent(subject.server(), s -> new Semaphore(perServer(), true));
        HealthSnapshot snapshot;
        slots.acquire();
        long started = System.nanoTime();
        try {
            snapshot = measure(subject, census);
            metrics.collected(System.nanoTime() - started, true);
        } catch (SQLException | RuntimeException e) {
            metrics.collected(System.nanoTime() - started, false);
            LOG.warnf("tenant health of %s: %s", subject.orgId(), e.getMessage());
            snapshot = new HealthSnapshot(subject.orgId(), subject.server(), HealthState.UNKNOWN, List.of(),
                    OffsetDateTime.now().truncatedTo(ChronoUnit.MICROS), String.valueOf(e.getMessage()), null);
        } finally {
            slots.release();
        }
        store.save(snapshot);
        store.prune(subject.orgId(), config.health().historySnapshots(), config.health().historyRetention());
        return snapshot;
    }

    /** Sets the gauges from the registry, unless the provisioner is stopping and its meters with it. */
    void refreshMetrics() {
        if (stopping) {
            return;
        }
        metrics.refresh(store.fleet(HealthMetrics.TOP));
    }

    private HealthSnapshot measure(HealthStore.Subject subject, ServerCensus census) throws SQLException {
        String server = subject.server();
        OrgId orgId = OrgId.of(subject.orgId());
        OffsetDateTime now = OffsetDateTime.now().truncatedTo(ChronoUnit.MICROS);
        try (TenantMigrations.Session schema = migrations.open(server, orgId)) {
            Connection tenantDb = schema.connection();
            prepareSession(tenantDb);
            String version = schema.plan(results.locations(), null).currentVersion();
            List<HealthSnapshot.TableStats> tables = measures.tables(tenantDb);
            DatabaseMeasures.CacheFigures cache = measures.cache(tenantDb);
            DatabaseMeasures.ServerFigures figures = census.figures(server);
            DatabaseMeasures.Activity activity = figures.activity(orgId.databaseName());
            DatabaseMeasures.Statements statements = figures.statements(
                    new DatabaseMeasures.Owner(orgId.databaseName(), TenantCredentials.roleName(orgId)));
            long quota = subject.quotaBytes() != null ? subject.quotaBytes()
                    : config.health().thresholds().maxDatabaseBytes();
            HealthSnapshot.Measures m = new HealthSnapshot.Measures(measures.databaseBytes(tenantDb), quota,
                    cache.hitRatio(), cache.blocksHit(), cache.blocksRead(),
                    tables.stream().mapToLong(HealthSnapshot.TableStats::deadTuples).sum(), activity.connections(),
                    activity.longestTransactionSeconds(), activity.lockWaits(),
                    statements.slowest().isEmpty() ? null : statements.slowest().get(0).meanMs(), version,
                    subject.recordedSchemaVersion(), backupCatalog.lastCompleted(subject.orgId()).orElse(null),
                    tables, statements.slowest(), statements.unavailable());
            List<HealthReason> reasons = HealthRules.reasons(m, config.health().thresholds(),
                    backups.policy(subject.orgId()).interval(), subject.createdAt(), now);
            return new HealthSnapshot(subject.orgId(), server,
                    reasons.isEmpty() ? HealthState.HEALTHY : HealthState.DEGRADED, reasons, now, null, m);
        }
    }

    private DatabaseMeasures.ServerFigures readServer(String server) throws SQLException {
        try (Connection maintenance = servers.admin(server)) {
            prepareSession(maintenance);
            return measures.serverFigures(server, maintenance, APPLICATION_NAME);
        }
    }

    /**
     * Names the session and bounds its waits: sizing a table takes a share lock on it, which a migration's or a
     * tenant's exclusive lock would otherwise make the collection wait for indefinitely.
     */
    private static void prepareSession(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("SET application_name = '" + APPLICATION_NAME + "'");
            s.execute("SET lock_timeout = '2s'");
            s.execute("SET statement_timeout = '30s'");
        }
    }

    private int perServer() {
        return Math.max(1, config.health().perServerConcurrency());
    }
}
