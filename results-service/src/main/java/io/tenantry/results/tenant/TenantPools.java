package io.tenantry.results.tenant;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.tenantry.common.OrgId;
import io.tenantry.common.TenantCredentials;
import io.tenantry.common.problem.ApiProblem;
import io.tenantry.results.ResultsConfig;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.PoolOptions;

/**
 * One small reactive pool per tenant database, opened on first use, and a global budget over all of them.
 * <p>
 * A pool grows one connection at a time, each taken from the budget, and runs at most as many operations at once
 * as it holds budget for, so it never opens more connections than that. Connections go back to the budget only
 * when their whole pool is closed: when it has been idle for the idle timeout, when a request for another tenant
 * needs the budget (least recently used idle pool first), or at once when the tenant changes (suspended, deleted,
 * moved). A request that finds the budget spent waits in line and gets a 503 with Retry-After when its wait ends.
 */
@ApplicationScoped
public class TenantPools {

    private static final Logger LOG = Logger.getLogger(TenantPools.class);

    @Inject
    Vertx vertx;

    @Inject
    ResultsConfig config;

    @Inject
    MeterRegistry metrics;

    private final Map<String, TenantPool> pools = new HashMap<>();
    private final ArrayDeque<Waiter> waitingForBudget = new ArrayDeque<>();
    private int granted;
    private long idleSweepTimer;

    @PostConstruct
    void start() {
        long every = Math.max(1000, config.pools().idleTimeout().toMillis() / 4);
        idleSweepTimer = vertx.setPeriodic(every, id -> closeIdlePools());
        Gauge.builder("tenantry.results.pools.open", this, TenantPools::openPools)
                .description("tenant connection pools open").register(metrics);
        Gauge.builder("tenantry.results.connections.granted", this, TenantPools::grantedConnections)
                .description("connections the open pools may hold, against the global budget").register(metrics);
        Gauge.builder("tenantry.results.connections.budget", this, p -> p.config.pools().globalBudget())
                .description("the global connection budget").register(metrics);
        Gauge.builder("tenantry.results.connections.waiting", this, TenantPools::waitingRequests)
                .description("requests waiting for a connection").register(metrics);
    }

    @PreDestroy
    void stop() {
        vertx.cancelTimer(idleSweepTimer);
        List<TenantPool> all;
        synchronized (this) {
            all = new ArrayList<>(pools.values());
        }
        all.forEach(this::close);
    }

    /** Runs {@code work} in one transaction on the tenant's database. */
    public <T> Uni<T> inTransaction(TenantRoute route, Function<SqlConnection, Uni<T>> work) {
        return lease(route).chain(lease -> lease.pool().withTransaction(work).eventually(lease::release));
    }

    /** Runs {@code work} on one connection to the tenant's database, without a transaction. */
    public <T> Uni<T> withConnection(TenantRoute route, Function<SqlConnection, Uni<T>> work) {
        return lease(route).chain(lease -> lease.pool().withConnection(work).eventually(lease::release));
    }

    /** Closes the tenant's pool at once; requests running on it fail, later ones open a new pool. */
    public void closeTenant(String orgId) {
        TenantPool pool;
        synchronized (this) {
            pool = pools.get(orgId);
        }
        if (pool != null) {
            close(pool);
        }
    }

    public synchronized int openPools() {
        return (int) pools.values().stream().filter(p -> p.pool != null).count();
    }

    public synchronized int grantedConnections() {
        return granted;
    }

    public synchronized int waitingRequests() {
        return waitingForBudget.size() + pools.values().stream().mapToInt(p -> p.waiting.size()).sum();
    }

    private Uni<Lease> lease(TenantRoute route) {
        return lease(route, System.nanoTime() + config.pools().acquireTimeout().toNanos());
    }

    private Uni<Lease> lease(TenantRoute route, long deadline) {
        return Uni.createFrom().emitter(emitter -> {
            Lease ready = null;
            TenantPool evicted = null;
            TenantPool outdated = null;
            synchronized (this) {
                TenantPool pool = pools.get(route.orgId());
                if (pool != null && !pool.route.connectsLike(route)) {
                    // The tenant moved or its credentials rotated, and the announcement was missed.
                    outdated = pool;
                    pools.remove(route.orgId());
                    pool = null;
                }
                if (pool == null) {
                    pool = new TenantPool(route);
                    pools.put(route.orgId(), pool);
                }
                pool.lastUsed = System.nanoTime();
                if (pool.inUse < pool.granted) {
                    pool.inUse++;
                    ready = new Lease(pool);
                } else if (pool.granted < config.pools().perTenant() && granted < config.pools().globalBudget()) {
                    ready = grant(pool);
                } else {
                    Waiter waiter = new Waiter(pool, emitter, deadline);
                    if (pool.granted < config.pools().perTenant()) {
                        evicted = leastRecentlyUsedIdle(pool);
                    }
                    if (evicted != null || pool.granted == 0) {
                        waitingForBudget.add(waiter);
                    } else {
                        pool.waiting.add(waiter);
                    }
                    arm(waiter);
                }
            }
            if (outdated != null) {
                close(outdated);
            }
            if (ready != null) {
                emitter.complete(ready);
            }
            if (evicted != null) {
                close(evicted);
            }
        });
    }

    /** Fails the waiter with a 503 when its deadline passes; caller holds the lock. */
    private void arm(Waiter waiter) {
        long left = Math.max(1, (waiter.deadline - System.nanoTime()) / 1_000_000);
        waiter.timer = vertx.setTimer(left, id -> giveUp(waiter));
    }

    /** Takes one connection from the budget for the pool and one operation slot in it; caller holds the lock. */
    private Lease grant(TenantPool pool) {
        if (pool.pool == null) {
            pool.pool = build(pool.route);
        }
        granted++;
        pool.granted++;
        pool.inUse++;
        return new Lease(pool);
    }

    private void release(Lease lease) {
        Waiter next = null;
        TenantPool toClose = null;
        synchronized (this) {
            TenantPool pool = lease.tenantPool;
            if (lease.released || pool.closed) {
                lease.released = true;
                return;
            }
            lease.released = true;
            pool.inUse--;
            pool.lastUsed = System.nanoTime();
            next = pool.waiting.poll();
            if (next == null) {
                next = removeBudgetWaiterFor(pool);
            }
            if (next != null) {
                pool.inUse++;
                vertx.cancelTimer(next.timer);
            } else if (pool.inUse == 0 && !waitingForBudget.isEmpty()) {
                toClose = pool;
            }
        }
        if (next != null) {
            next.emitter.complete(new Lease(next.pool));
        }
        if (toClose != null) {
            close(toClose);
        }
    }

    private Waiter removeBudgetWaiterFor(TenantPool pool) {
        for (Iterator<Waiter> it = waitingForBudget.iterator(); it.hasNext(); ) {
            Waiter waiter = it.next();
            if (waiter.pool == pool) {
                it.remove();
                return waiter;
            }
        }
        return null;
    }

    private void giveUp(Waiter waiter) {
        synchronized (this) {
            if (!waitingForBudget.remove(waiter) && !waiter.pool.waiting.remove(waiter)) {
                return;
            }
        }
        waiter.emitter.fail(new ConnectionBudgetExhausted(config.pools().acquireTimeout().toSeconds()));
    }

    /** The idle pool unused for longest, other than {@code except}, or null; caller holds the lock. */
    private TenantPool leastRecentlyUsedIdle(TenantPool except) {
        TenantPool oldest = null;
        for (TenantPool pool : pools.values()) {
            if (pool != except && !pool.closed && pool.inUse == 0 && pool.granted > 0
                    && (oldest == null || pool.lastUsed < oldest.lastUsed)) {
                oldest = pool;
            }
        }
        if (oldest != null) {
            oldest.closed = true;
            pools.remove(oldest.route.orgId(), oldest);
        }
        return oldest;
    }

    private void closeIdlePools() {
        long cutoff = System.nanoTime() - config.pools().idleTimeout().toNanos();
        List<TenantPool> idle = new ArrayList<>();
        synchronized (this) {
            for (TenantPool pool : pools.values()) {
                if (pool.inUse == 0 && pool.waiting.isEmpty() && pool.lastUsed < cutoff && nobodyWaitsFor(pool)) {
                    idle.add(pool);
                }
            }
        }
        idle.forEach(this::close);
    }

    private boolean nobodyWaitsFor(TenantPool pool) {
        return waitingForBudget.stream().noneMatch(w -> w.pool == pool);
    }

    private void close(TenantPool tenantPool) {
        List<Waiter> orphaned;
        synchronized (this) {
            tenantPool.closed = true;
            pools.remove(tenantPool.route.orgId(), tenantPool);
            orphaned = new ArrayList<>(tenantPool.waiting);
            tenantPool.waiting.clear();
        }
        // Requests queued on this pool start again on a fresh one.
        for (Waiter waiter : orphaned) {
            vertx.cancelTimer(waiter.timer);
            lease(tenantPool.route, waiter.deadline).subscribe().with(waiter.emitter::complete, waiter.emitter::fail);
        }
        Uni<Void> closing = tenantPool.pool == null ? Uni.createFrom().voidItem() : tenantPool.pool.close();
        closing.subscribe().with(done -> returnToBudget(tenantPool), failure -> {
            LOG.warnf("closing the pool of tenant %s: %s", tenantPool.route.orgId(), failure.getMessage());
            returnToBudget(tenantPool);
        });
    }

    private void returnToBudget(TenantPool closed) {
        List<Map.Entry<Waiter, Lease>> served = new ArrayList<>();
        synchronized (this) {
            granted -= closed.granted;
            closed.granted = 0;
            while (!waitingForBudget.isEmpty() && granted < config.pools().globalBudget()) {
                Waiter waiter = waitingForBudget.poll();
                vertx.cancelTimer(waiter.timer);
                TenantPool pool = waiter.pool.closed
                        ? pools.computeIfAbsent(waiter.pool.route.orgId(), org -> new TenantPool(waiter.pool.route))
                        : waiter.pool;
                waiter.pool = pool;
                if (pool.inUse < pool.granted) {
                    pool.inUse++;
                    served.add(Map.entry(waiter, new Lease(pool)));
                } else if (pool.granted < config.pools().perTenant()) {
                    served.add(Map.entry(waiter, grant(pool)));
                } else {
                    pool.waiting.add(waiter);
                    arm(waiter);
                }
            }
        }
        served.forEach(entry -> entry.getKey().emitter.complete(entry.getValue()));
    }

    private Pool build(TenantRoute route) {
        ResultsConfig.Server server = config.servers().get(route.server());
        if (server == null) {
            LOG.errorf("tenant %s lives on server '%s', which is not configured", route.orgId(), route.server());
            throw new ApiProblem(503, "Service Unavailable", "the organization's database cannot be reached");
        }
        OrgId orgId = OrgId.of(route.orgId());
        PgConnectOptions connect = new PgConnectOptions()
                .setHost(server.host())
                .setPort(server.port())
                .setSslMode(SslMode.of(server.sslMode()))
                .setDatabase(route.databaseName())
                .setUser(route.roleName())
                .setPassword(TenantCredentials.password(config.masterSecret(), orgId, route.credentialGeneration()))
                .setConnectTimeout((int) config.pools().acquireTimeout().toMillis())
                .setCachePreparedStatements(true)
                .setPreparedStatementCacheMaxSize(64);
        PoolOptions options = new PoolOptions()
                .setName("tenant-" + route.orgId())
                .setMaxSize(config.pools().perTenant())
                .setConnectionTimeout((int) Math.max(1, config.pools().acquireTimeout().toSeconds()));
        return Pool.newInstance(PgBuilder.pool().with(options).connectingTo(connect).using(vertx).build());
    }

    /** One tenant's pool and its share of the budget; fields are guarded by the {@link TenantPools} lock. */
    private static final class TenantPool {
        final TenantRoute route;
        final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
        Pool pool;
        int granted;
        int inUse;
        long lastUsed = System.nanoTime();
        boolean closed;

        TenantPool(TenantRoute route) {
            this.route = route;
        }
    }

    private static final class Waiter {
        final UniEmitter<? super Lease> emitter;
        final long deadline;
        TenantPool pool;
        long timer;

        Waiter(TenantPool pool, UniEmitter<? super Lease> emitter, long deadline) {
            this.pool = pool;
            this.emitter = emitter;
            this.deadline = deadline;
        }
    }

    private final class Lease {
        final TenantPool tenantPool;
        boolean released;

        Lease(TenantPool tenantPool) {
            this.tenantPool = tenantPool;
        }

        Pool pool() {
            return tenantPool.pool;
        }

        void release() {
            TenantPools.this.release(this);
        }
    }
}
