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
import io.tenantry.results.config.ResultsConfig;
import io.tenantry.results.store.TenantRoute;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.pgclient.SslMode;
import io.vertx.sqlclient.PoolOptions;

/**
 * The connections to tenant databases, under one global budget.
 * <p>
 * Each tenant has a small pool, opened on first use. It is made of slots, each a reactive pool of exactly one
 * connection ({@code PgBuilder.pool()} with size 1), one slot per connection granted from the budget: a pool of
 * size one can never open a second connection, so the budget counts real connections, whichever event loop asks.
 * When the budget is spent, a tenant without any connection gets one by closing an idle spare connection of a
 * tenant that holds several, or else the idle pool unused for longest; a tenant's further connections come only
 * from free budget, so busy tenants do not push each other out. The most recently used idle slot is reused
 * first, so slots a tenant no longer needs go idle and are closed after the idle timeout, their grants back in the
 * budget once closed; a whole pool closes at once when its tenant changes (suspended, deleted, moved). A request
 * that finds no connection waits in line and gets a 503 with Retry-After when its wait ends.
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
    /** Connections open or closing, over all tenants: never more than the budget. */
    private int granted;
    /** Connections being closed to make room for tenants that have none. */
    private int reclaiming;
    private long sweepTimer;

    @PostConstruct
    void start() {
        long every = Math.max(1000, config.pools().idleTimeout().toMillis() / 4);
        sweepTimer = vertx.setPeriodic(every, id -> sweep());
        Gauge.builder("tenantry.results.pools.open", this, TenantPools::openPools)
                .description("tenant connection pools open").register(metrics);
        Gauge.builder("tenantry.results.connections.granted", this, TenantPools::grantedConnections)
                .description("connections open to tenant databases, against the global budget").register(metrics);
        Gauge.builder("tenantry.results.connections.busy", this, TenantPools::busyConnections)
                .description("connections to tenant databases running a request right now").register(metrics);
        Gauge.builder("tenantry.results.connections.budget", this, p -> p.config.pools().globalBudget())
                .description("the global connection budget").register(metrics);
        Gauge.builder("tenantry.results.connections.waiting", this, TenantPools::waitingRequests)
                .description("requests waiting for a connection").register(metrics);
    }

    @PreDestroy
    void stop() {
        vertx.cancelTimer(sweepTimer);
        List<TenantPool> all;
        synchronized (this) {
            all = new ArrayList<>(pools.values());
        }
        all.forEach(this::close);
    }

    /** Runs {@code work} in one transaction on the tenant's database. */
    public <T> Uni<T> inTransaction(TenantRoute route, Function<SqlConnection, Uni<T>> work) {
        return lease(route).chain(lease -> lease.slot.pool.withTransaction(work).eventually(lease::release));
    }

    /** Runs {@code work} on one connection to the tenant's database, without a transaction. */
    public <T> Uni<T> withConnection(TenantRoute route, Function<SqlConnection, Uni<T>> work) {
        return lease(route).chain(lease -> lease.slot.pool.withConnection(work).eventually(lease::release));
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
        return pools.size();
    }

    public synchronized int grantedConnections() {
        return granted;
    }

    public synchronized int busyConnections() {
        return pools.values().stream().mapToInt(p -> (int) p.slots.stream().filter(slot -> slot.busy).count()).sum();
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
            TenantPool outdated = null;
            List<Slot> victims = List.of();
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
                Slot idle = pool.mostRecentlyUsedIdleSlot();
                if (idle != null) {
                    idle.busy = true;
                    ready = new Lease(pool, idle);
                } else if (pool.slots.size() < config.pools().perTenant() && granted < config.pools().globalBudget()) {
                    ready = new Lease(pool, openSlot(pool));
                } else {
                    Waiter waiter = new Waiter(pool, emitter, deadline);
                    if (pool.slots.isEmpty()) {
                        waitingForBudget.add(waiter);
                        victims = makeRoom();
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
            victims.forEach(slot -> closeSlot(slot, true));
        });
    }

    /**
     * Chooses connections to close so that each tenant waiting without any connection gets one: first an idle
     * spare connection of a tenant that holds several, then the whole idle pool unused for longest. Caller holds
     * the lock and closes what is returned.
     */
    private List<Slot> makeRoom() {
        List<Slot> victims = new ArrayList<>();
        while (waitingForBudget.size() > reclaiming && granted >= config.pools().globalBudget()) {
            Slot spare = leastRecentlyUsedSpareSlot();
            if (spare != null) {
                victims.add(spare);
                reclaiming++;
                continue;
            }
            TenantPool idle = leastRecentlyUsedIdlePool();
            if (idle == null) {
                break;
            }
            victims.addAll(idle.slots);
            reclaiming += idle.slots.size();
            idle.slots.clear();
        }
        return victims;
    }

    /** The idle connection unused for longest among tenants holding more than one, taken out of its pool. */
    private Slot leastRecentlyUsedSpareSlot() {
        TenantPool owner = null;
        Slot oldest = null;
        for (TenantPool pool : pools.values()) {
            if (pool.slots.size() < 2) {
                continue;
            }
            for (Slot slot : pool.slots) {
                if (!slot.busy && (oldest == null || slot.lastUsed < oldest.lastUsed)) {
                    oldest = slot;
                    owner = pool;
                }
            }
        }
        if (owner != null) {
            owner.slots.remove(oldest);
        }
        return oldest;
    }

    /** Opens a busy slot, one connection from the budget; caller holds the lock and checked the budget. */
    private Slot openSlot(TenantPool pool) {
        Slot slot = new Slot(build(pool.route));
        slot.busy = true;
        pool.slots.add(slot);
        granted++;
        return slot;
    }

    /** Fails the waiter with a 503 when its deadline passes; caller holds the lock. */
    private void arm(Waiter waiter) {
        long left = Math.max(1, (waiter.deadline - System.nanoTime()) / 1_000_000);
        waiter.timer = vertx.setTimer(left, id -> giveUp(waiter));
    }

    private void release(Lease lease) {
        Waiter next = null;
        List<Slot> victims = List.of();
        synchronized (this) {
            if (lease.released || lease.pool.closed) {
                lease.released = true;
                return;
            }
            lease.released = true;
            Slot slot = lease.slot;
            TenantPool pool = lease.pool;
            slot.busy = false;
            slot.lastUsed = System.nanoTime();
            pool.lastUsed = slot.lastUsed;
            next = pool.waiting.poll();
            if (next == null) {
                next = removeBudgetWaiterFor(pool);
            }
            if (next != null) {
                slot.busy = true;
                vertx.cancelTimer(next.timer);
                next.slot = slot;
            } else if (!waitingForBudget.isEmpty()) {
                // A connection went idle: it may be what a tenant with none is waiting for.
                victims = makeRoom();
            }
        }
        if (next != null) {
            next.emitter.complete(new Lease(next.pool, next.slot));
        }
        victims.forEach(victim -> closeSlot(victim, true));
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

    /** The idle pool unused for longest, taken out of service, or null; caller holds the lock. */
    private TenantPool leastRecentlyUsedIdlePool() {
        TenantPool oldest = null;
        for (TenantPool pool : pools.values()) {
            if (!pool.closed && pool.isIdle() && !pool.slots.isEmpty()
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

    /** Closes connections nobody used for the idle timeout, and pools left with none. */
    private void sweep() {
        long cutoff = System.nanoTime() - config.pools().idleTimeout().toNanos();
        List<TenantPool> idlePools = new ArrayList<>();
        List<Slot> idleSlots = new ArrayList<>();
        synchronized (this) {
            for (TenantPool pool : pools.values()) {
                if (pool.isIdle() && pool.waiting.isEmpty() && pool.lastUsed < cutoff && nobodyWaitsFor(pool)) {
                    idlePools.add(pool);
                    continue;
                }
                for (Iterator<Slot> it = pool.slots.iterator(); it.hasNext(); ) {
                    Slot slot = it.next();
                    if (!slot.busy && slot.lastUsed < cutoff) {
                        it.remove();
                        idleSlots.add(slot);
                    }
                }
            }
        }
        idlePools.forEach(this::close);
        idleSlots.forEach(slot -> closeSlot(slot, false));
    }

    private boolean nobodyWaitsFor(TenantPool pool) {
        return waitingForBudget.stream().noneMatch(w -> w.pool == pool);
    }

    private void close(TenantPool tenantPool) {
        List<Waiter> orphaned;
        List<Slot> slots;
        synchronized (this) {
            tenantPool.closed = true;
            pools.remove(tenantPool.route.orgId(), tenantPool);
            orphaned = new ArrayList<>(tenantPool.waiting);
            tenantPool.waiting.clear();
            slots = new ArrayList<>(tenantPool.slots);
            tenantPool.slots.clear();
        }
        // Requests queued on this pool start again on a fresh one, within their original deadline.
        for (Waiter waiter : orphaned) {
            vertx.cancelTimer(waiter.timer);
            lease(tenantPool.route, waiter.deadline).subscribe().with(waiter.emitter::complete, waiter.emitter::fail);
        }
        slots.forEach(slot -> closeSlot(slot, false));
    }

    /**
     * Closes the slot's connection; its grant returns to the budget once the connection is closed. A
     * {@code reclaim} was closed to make room for a tenant waiting without any connection.
     */
    private void closeSlot(Slot slot, boolean reclaim) {
        slot.pool.close().subscribe().with(done -> returnToBudget(reclaim), failure -> {
            LOG.warnf("closing a tenant connection: %s", failure.getMessage());
            returnToBudget(reclaim);
        });
    }

    /** One connection came back to the budget: it goes to the first request of a tenant that had none. */
    private void returnToBudget(boolean reclaim) {
        List<Map.Entry<Waiter, Lease>> served = new ArrayList<>();
        synchronized (this) {
            granted--;
            if (reclaim) {
                reclaiming--;
            }
            while (!waitingForBudget.isEmpty() && granted < config.pools().globalBudget()) {
                Waiter waiter = waitingForBudget.poll();
                vertx.cancelTimer(waiter.timer);
                TenantPool pool = waiter.pool.closed
                        ? pools.computeIfAbsent(waiter.pool.route.orgId(), org -> new TenantPool(waiter.pool.route))
                        : waiter.pool;
                waiter.pool = pool;
                Slot idle = pool.mostRecentlyUsedIdleSlot();
                if (idle != null) {
                    idle.busy = true;
                    served.add(Map.entry(waiter, new Lease(pool, idle)));
                } else if (pool.slots.size() < config.pools().perTenant()) {
                    served.add(Map.entry(waiter, new Lease(pool, openSlot(pool))));
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
                .setMaxSize(1)
                .setConnectionTimeout((int) Math.max(1, config.pools().acquireTimeout().toSeconds()));
        return Pool.newInstance(PgBuilder.pool().with(options).connectingTo(connect).using(vertx).build());
    }

    /** One tenant's connections; fields are guarded by the {@link TenantPools} lock. */
    private static final class TenantPool {
        final TenantRoute route;
        final List<Slot> slots = new ArrayList<>();
        final ArrayDeque<Waiter> waiting = new ArrayDeque<>();
        long lastUsed = System.nanoTime();
        boolean closed;

        TenantPool(TenantRoute route) {
            this.route = route;
        }

        boolean isIdle() {
            return slots.stream().noneMatch(slot -> slot.busy);
        }

        Slot mostRecentlyUsedIdleSlot() {
            Slot best = null;
            for (Slot slot : slots) {
                if (!slot.busy && (best == null || slot.lastUsed > best.lastUsed)) {
                    best = slot;
                }
            }
            return best;
        }
    }

    /** One connection of a tenant: a reactive pool of size one, busy while a request uses it. */
    private static final class Slot {
        final Pool pool;
        boolean busy;
        long lastUsed = System.nanoTime();

        Slot(Pool pool) {
            this.pool = pool;
        }
    }

    private static final class Waiter {
        final UniEmitter<? super Lease> emitter;
        final long deadline;
        TenantPool pool;
        Slot slot;
        long timer;

        Waiter(TenantPool pool, UniEmitter<? super Lease> emitter, long deadline) {
            this.pool = pool;
            this.emitter = emitter;
            this.deadline = deadline;
        }
    }

    private final class Lease {
        final TenantPool pool;
        final Slot slot;
        boolean released;

        Lease(TenantPool pool, Slot slot) {
            this.pool = pool;
            this.slot = slot;
        }

        void release() {
            TenantPools.this.release(this);
        }
    }
}
