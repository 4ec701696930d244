package io.tenantry.results.pool;

import java.util.function.Function;
import java.util.function.Supplier;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.tenantry.common.problem.DatabaseOutage;
import io.tenantry.results.config.ResultsConfig;
import io.tenantry.results.store.TenantRoute;
import io.vertx.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.SqlConnection;

/**
 * The connections to tenant databases, lent to requests under the {@link ConnectionBudget}, within this replica's
 * share of each server's budget ({@link ServerShares}). A request that finds
 * no connection waits in line and gets a 503 with Retry-After when its wait ends; a tenant's connections all close
 * at once when the tenant changes (suspended, deleted, moved), or when its database refuses the tenant's role as
 * a moved tenant's old database does.
 */
@ApplicationScoped
public class TenantPools {

    private static final Logger LOG = Logger.getLogger(TenantPools.class);

    @Inject
    Vertx vertx;

    @Inject
    ResultsConfig config;

    @Inject
    TenantConnectionFactory connections;

    @Inject
    DatabaseIncidents incidents;

    @Inject
    StaleRoutes staleRoutes;

    private ResultsConfig.Pools settings;
    private ConnectionBudget<Pool, Request> budget;

    @PostConstruct
    void start() {
        settings = config.pools();
        budget = new ConnectionBudget<>(settings.globalBudget(), settings.perTenant(), System::nanoTime,
                connections::open);
        // Nothing on a server until the other replicas agree on this one's share of it (ServerShares).
        config.servers().keySet().forEach(server -> resize(server, 0));
    }

    @PreDestroy
    void stop() {
        carryOut(budget::closeAll);
    }

    /** Runs {@code work} in one transaction on the tenant's database. */
    public <T> Uni<T> inTransaction(TenantRoute route, Function<SqlConnection, Uni<T>> work) {
        return use(route, connection -> connection.withTransaction(work));
    }

    /** Runs {@code work} on one connection to the tenant's database, without a transaction. */
    public <T> Uni<T> withConnection(TenantRoute route, Function<SqlConnection, Uni<T>> work) {
        return use(route, connection -> connection.withConnection(work));
    }

    /**
     * Lends a connection to {@code work} and takes it back when the work ends. A connection that failed, or that
     * is still busy because the request was cancelled or ran past the work timeout, is closed rather than lent
     * again: its session is lost, or it would be lent while a statement still runs on it.
     */
    private <T> Uni<T> use(TenantRoute route, Function<Pool, Uni<T>> work) {
        return lease(route).chain(lease -> lease.claim()
                ? work.apply(lease.connection())
                        .ifNoItem().after(settings.workTimeout()).fail()
                        .onItemOrFailure().invoke((item, failure) -> finish(route, lease, failure))
                        .onCancellation().invoke(() -> discard(lease))
                        .onFailure(ConnectionLost::routeStale).call(refused -> forgetRoute(route, refused))
                        .onFailure(ConnectionLost::causedBy).transform(lost -> DatabaseOutage.problem())
                : Uni.createFrom().failure(DatabaseOutage.problem()));
    }

    private void finish(TenantRoute route, Lease<Pool, Request> lease, Throwable failure) {
        if (failure == null) {
            incidents.served(route.server());
            release(lease);
        } else if (ConnectionLost.causedBy(failure)) {
            incidents.failed(route.server(), failure);
            discard(lease);
        } else {
            release(lease);
        }
    }

    /**
     * The tenant's database refused its role as a moved tenant's old database does, and this replica may have
     * missed the move's announcements: the route is looked up afresh by the next request and the tenant's
     * connections to where it was close (not those a request with the new route opened meanwhile). The failing
     * request still fails, after the route is forgotten.
     */
    private Uni<Void> forgetRoute(TenantRoute route, Throwable refusal) {
        LOG.infof("the database of %s on %s refused its role (%s); looking the tenant up again", route.orgId(),
                route.server(), refusal.getMessage());
        Uni<Void> forgetting = staleRoutes.forget(route.orgId());
        carryOut(() -> budget.closeRoute(route));
        return forgetting;
    }

    /**
     * Closes the tenant's idle connections at once and its busy ones when their requests end; later requests open
     * new ones (to its new server, after a move).
     */
    public void closeTenant(String orgId) {
        carryOut(() -> budget.closeTenant(orgId));
    }

    /** Closes connections nobody used for the idle timeout, and tenants left with none. */
    void closeIdle() {
        long cutoff = System.nanoTime() - settings.idleTimeout().toNanos();
        carryOut(() -> budget.closeIdle(cutoff));
    }

    /** Sets this replica's cap on the server's connections; see {@link ConnectionBudget#resize}. */
    void resize(String server, int cap) {
        carryOut(() -> budget.resize(server, cap));
    }

    /** Connections to the server, open or closing. */
    int grantedConnections(String server) {
        synchronized (budget) {
            return budget.grantedConnections(server);
        }
    }

    public int openPools() {
        synchronized (budget) {
            return budget.openTenants();
        }
    }

    public int grantedConnections() {
        synchronized (budget) {
            return budget.grantedConnections();
        }
    }

    public int busyConnections() {
        synchronized (budget) {
            return budget.busyConnections();
        }
    }

    public int waitingRequests() {
        synchronized (budget) {
            return budget.waitingRequests();
        }
    }

    private Uni<Lease<Pool, Request>> lease(TenantRoute route) {
        long deadline = System.nanoTime() + settings.acquireTimeout().toNanos();
        return Uni.createFrom().emitter(emitter -> {
            Request request = new Request(route, emitter, deadline);
            emitter.onTermination(() -> ended(request));
            acquire(request);
        });
    }

    private void acquire(Request request) {
        try {
            carryOut(() -> request.ended ? new BudgetPlan<>() : budget.acquire(request.route, request));
        } catch (RuntimeException e) {
            request.emitter.fail(e);
        }
    }

    /**
     * The request got its lease, failed, or was cancelled: a cancelled request stops waiting, and a lease granted
     * to it that it never claimed goes back to the budget.
     */
    private void ended(Request request) {
        Lease<Pool, Request> granted;
        synchronized (budget) {
            request.ended = true;
            granted = request.granted;
            if (granted == null) {
                stopWaiting(request);
                budget.abandon(request);
            }
        }
        if (granted != null && granted.claim()) {
            release(granted);
        }
    }

    private void release(Lease<Pool, Request> lease) {
        carryOut(() -> budget.release(lease));
    }

    private void discard(Lease<Pool, Request> lease) {
        carryOut(() -> budget.discard(lease));
    }

    /**
     * Takes a decision under the lock, with the timers of the requests it concerns, then does what it says outside
     * the lock: requests get their connections or ask again, and connections close.
     */
    private void carryOut(Supplier<BudgetPlan<Pool, Request>> decision) {
        BudgetPlan<Pool, Request> plan;
        synchronized (budget) {
            plan = decision.get();
            plan.waits().forEach(this::startWaiting);
            plan.grants().forEach(grant -> {
                stopWaiting(grant.request());
                grant.request().granted = grant.lease();
            });
            plan.retries().forEach(this::stopWaiting);
        }
        plan.grants().forEach(grant -> grant.request().emitter.complete(grant.lease()));
        plan.retries().forEach(this::acquire);
        plan.closes().forEach(this::close);
    }

    /** Fails the request with a 503 when its deadline passes. */
    private void startWaiting(Request request) {
        long left = Math.max(1, (request.deadline - System.nanoTime()) / 1_000_000);
        request.timer = vertx.setTimer(left, id -> giveUp(request));
    }

    private void stopWaiting(Request request) {
        if (request.timer != null) {
            vertx.cancelTimer(request.timer);
            request.timer = null;
        }
    }

    private void giveUp(Request request) {
        boolean abandoned;
        synchronized (budget) {
            abandoned = budget.abandon(request);
        }
        if (abandoned) {
            request.emitter.fail(new ConnectionBudgetExhausted(settings.acquireTimeout().toSeconds()));
        }
    }

    /** Closes the connection; its place returns to the budget once it is closed. */
    private void close(BudgetPlan.Closing<Pool> closing) {
        closing.connection().close().subscribe().with(done -> carryOut(() -> budget.closed(closing)), failure -> {
            LOG.warnf("closing a tenant connection: %s", failure.getMessage());
            carryOut(() -> budget.closed(closing));
        });
    }

    /** A request for a connection, until it has one or its deadline passes. */
    private static final class Request {
        final TenantRoute route;
        final UniEmitter<? super Lease<Pool, Request>> emitter;
        final long deadline;
        /** The timer that ends its wait; guarded by the budget's lock, like the fields below. */
        Long timer;
        Lease<Pool, Request> granted;
        /** Its caller has its answer or went away: it must not be granted a connection any more. */
        boolean ended;

        Request(TenantRoute route, UniEmitter<? super Lease<Pool, Request>> emitter, long deadline) {
            this.route = route;
            this.emitter = emitter;
            this.deadline = deadline;
        }
    }
}
