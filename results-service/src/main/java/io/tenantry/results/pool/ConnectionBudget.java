package io.tenantry.results.pool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.LongSupplier;

import io.tenantry.results.store.TenantRoute;

/**
 * Who gets a connection to a tenant database, under one global budget; decisions only, no I/O.
 * <p>
 * A tenant holds at most {@code perTenant} connections, and all tenants together at most {@code globalBudget}. A
 * request takes its tenant's idle connection used last, else a new one while both limits allow, else waits: in its
 * tenant's line when the tenant holds connections (further connections come only from free budget, so busy tenants
 * do not push each other out), or in the budget's line when it holds none. For a tenant with none, room is made at
 * once: first by closing the idle spare connection unused for longest of a tenant holding several, else by closing
 * the whole idle tenant unused for longest. A connection coming free goes to its own tenant's waiting requests
 * first; a closed one returns its place to the budget, for the first request in the budget's line. Connections idle
 * past a cutoff are closed, and a tenant left idle and unused that long is closed altogether.
 * <p>
 * Each server also has a cap of its own, this replica's share of what the server allows all replicas
 * ({@link #resize}); a server never resized has none but the global budget. A connection to a server at its cap is
 * made room for on that server only. When a cap shrinks, idle connections above it close at once and busy ones
 * when their requests give them back, instead of passing to the next request.
 * <p>
 * {@code C} is a connection, made by {@code connect} (which must not do I/O) and closed by the caller; {@code R} is
 * a request. Not thread-safe: the caller holds one lock around each call, and carries out the returned
 * {@link BudgetPlan} after letting go of it.
 */
final class ConnectionBudget<C, R> {

    private final int globalBudget;
    private final int perTenant;
    private final LongSupplier clock;
    private final Function<TenantRoute, C> connect;
    private final Map<String, TenantSlots<C, R>> tenants = new HashMap<>();
    private final ArrayDeque<Waiter<C, R>> waitingForBudget = new ArrayDeque<>();
    private final Map<String, ServerCount> servers = new HashMap<>();
    /** Connections open or closing, over all tenants: never more than the budget. */
    private int granted;
    /** Connections being closed to make room for tenants that have none. */
    private int reclaiming;

    /** One server's connections from this replica, against this replica's cap on it. */
    private static final class ServerCount {
        int cap;
        /** Open or closing. */
        int granted;
        /** Closing, for any reason. */
        int leaving;
        /** Closing to make room for tenants that have none. */
        int reclaiming;

        ServerCount(int cap) {
            this.cap = cap;
        }
    }

    ConnectionBudget(int globalBudget, int perTenant, LongSupplier clock, Function<TenantRoute, C> connect) {
        this.globalBudget = globalBudget;
        this.perTenant = perTenant;
        this.clock = clock;
        this.connect = connect;
    }

    /** A connection for {@code request} to the route's database, now or once one comes free. */
    BudgetPlan<C, R> acquire(TenantRoute route, R request) {
        BudgetPlan<C, R> plan = new BudgetPlan<>();
        TenantSlots<C, R> tenant = tenants.get(route.orgId());
        if (tenant != null && !tenant.route.connectsLike(route)) {
            // The tenant moved or its credentials rotated, and the announcement was missed.
            retire(tenant, plan);
            tenant = null;
        }
        if (tenant == null) {
            tenant = new TenantSlots<>(route, clock.getAsLong());
            tenants.put(route.orgId(), tenant);
        }
        tenant.lastUsed = clock.getAsLong();
        Slot<C> idle = tenant.mostRecentlyUsedIdleSlot();
        if (idle != null) {
            idle.busy = true;
            plan.grant(request, new Lease<>(tenant, idle));
        } else if (tenant.slots.size() < perTenant && hasRoom(tenant)) {
            plan.grant(request, new Lease<>(tenant, open(tenant)));
        } else {
            Waiter<C, R> waiter = new Waiter<>(request, tenant);
            if (tenant.slots.isEmpty()) {
                waitingForBudget.add(waiter);
                makeRoom(plan);
            } else {
                tenant.waiting.add(waiter);
            }
            plan.waits(request);
        }
        return plan;
    }

    /** The request is done with its connection: the next request of that tenant takes it, else it goes idle. */
    BudgetPlan<C, R> release(Lease<C, R> lease) {
        BudgetPlan<C, R> plan = new BudgetPlan<>();
        if (!takeBack(lease)) {
            closeIfRetired(lease, plan);
            return plan;
        }
        TenantSlots<C, R> tenant = lease.owner;
        Slot<C> slot = lease.slot;
        ServerCount server = server(tenant);
        if (server.granted - server.leaving > server.cap) {
            // This replica's share of the server shrank: the connection leaves instead of serving the next request.
            tenant.slots.remove(slot);
            close(tenant, slot, plan);
            lostItsLast(tenant, plan);
            return plan;
        }
        slot.busy = false;
        slot.lastUsed = clock.getAsLong();
        tenant.lastUsed = slot.lastUsed;
        Waiter<C, R> next = tenant.waiting.poll();
        if (next == null) {
            next = removeBudgetWaiterFor(tenant);
        }
        if (next != null) {
            slot.busy = true;
            plan.grant(next.request, new Lease<>(tenant, slot));
        } else if (!waitingForBudget.isEmpty()) {
            // A connection went idle: it may be what a tenant with none is waiting for.
            makeRoom(plan);
        }
        return plan;
    }

    /**
     * The request is done with a connection that must not be lent again (its session was lost, or a statement may
     * still run on it): it closes, and once closed its place goes to whoever waits, its own tenant included.
     */
    BudgetPlan<C, R> discard(Lease<C, R> lease) {
        BudgetPlan<C, R> plan = new BudgetPlan<>();
        if (!takeBack(lease)) {
            closeIfRetired(lease, plan);
            return plan;
        }
        lease.owner.slots.remove(lease.slot);
        close(lease.owner, lease.slot, plan);
        lostItsLast(lease.owner, plan);
        return plan;
    }

    /**
     * A tenant whose last connection closed while requests wait in its line: the first of them waits in the
     * budget's line instead, as a tenant without connections, for which room is made.
     */
    private void lostItsLast(TenantSlots<C, R> tenant, BudgetPlan<C, R> plan) {
        if (tenant.slots.isEmpty() && !tenant.waiting.isEmpty()) {
            waitingForBudget.add(tenant.waiting.poll());
            makeRoom(plan);
        }
    }

    /**
     * The request stopped waiting (its time ran out); false when it was not waiting any more. It waits in the
     * budget's line or in that of a tenant in service: tenants leave service idle or with their line asking again.
     */
    boolean abandon(R request) {
        if (waitingForBudget.removeIf(waiter -> waiter.request == request)) {
            return true;
        }
        for (TenantSlots<C, R> tenant : tenants.values()) {
            if (tenant.waiting.removeIf(waiter -> waiter.request == request)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Takes the tenant's connections out of service: idle ones close at once, busy ones when their requests give
     * them back; its waiting requests ask again, on fresh slots.
     */
    BudgetPlan<C, R> closeTenant(String orgId) {
        BudgetPlan<C, R> plan = new BudgetPlan<>();
        TenantSlots<C, R> tenant = tenants.get(orgId);
        if (tenant != null) {
            retire(tenant, plan);
        }
        return plan;
    }

    /**
     * Closes the tenant's connections if they were made for {@code route}; a pool already opened for a newer route
     * of the tenant stays.
     */
    BudgetPlan<C, R> closeRoute(TenantRoute route) {
        TenantSlots<C, R> tenant = tenants.get(route.orgId());
        return tenant != null && tenant.route.connectsLike(route) ? closeTenant(route.orgId()) : new BudgetPlan<>();
    }

    BudgetPlan<C, R> closeAll() {
        BudgetPlan<C, R> plan = new BudgetPlan<>();
        new ArrayList<>(tenants.values()).forEach(tenant -> retire(tenant, plan));
        return plan;
    }

    /** Closes connections unused since {@code cutoff}, and tenants idle since then whom nobody waits for. */
    BudgetPlan<C, R> closeIdle(long cutoff) {
        BudgetPlan<C, R> plan = new BudgetPlan<>();
        for (TenantSlots<C, R> tenant : new ArrayList<>(tenants.values())) {
            if (tenant.isIdle() && tenant.waiting.isEmpty() && tenant.lastUsed < cutoff && nobodyWaitsFor(tenant)) {
                retire(tenant, plan);
                continue;
            }
            tenant.takeIdleSlots(cutoff).forEach(slot -> close(tenant, slot, plan));
        }
        return plan;
    }

    /**
     * Sets this replica's cap on the server: above it, idle connections close now (spares first, unused for
     * longest first) and busy ones as their requests give them back; below it, waiting requests are served.
     */
    BudgetPlan<C, R> resize(String serverName, int cap) {
        BudgetPlan<C, R> plan = new BudgetPlan<>();
        ServerCount server = servers.computeIfAbsent(serverName, name -> new ServerCount(globalBudget));
        server.cap = cap;
        while (server.granted - server.leaving > cap && closeIdle(tenantsOn(serverName), false, plan)) {
            // one more idle connection of this server is closing
        }
        serveWaiting(plan);
        return plan;
    }

    /**
     * A connection the budget let go of is closed; its place goes to the first requests of tenants that had none,
     * then to tenants waiting with fewer connections than their share (one of theirs was discarded).
     * {@code reclaimed} when it was closed to make room for them.
     */
    BudgetPlan<C, R> closed(BudgetPlan.Closing<C> closing) {
        BudgetPlan<C, R> plan = new BudgetPlan<>();
        ServerCount server = servers.get(closing.server());
        granted--;
        server.granted--;
        server.leaving--;
        if (closing.reclaimed()) {
            reclaiming--;
            server.reclaiming--;
        }
        serveWaiting(plan);
        return plan;
    }

    /** Serves waiting requests from free budget: tenants without connections first, in order, then tenants' lines. */
    private void serveWaiting(BudgetPlan<C, R> plan) {
        Iterator<Waiter<C, R>> line = waitingForBudget.iterator();
        while (line.hasNext() && granted < globalBudget) {
            Waiter<C, R> waiter = line.next();
            TenantRoute route = waiter.tenant.route;
            TenantSlots<C, R> tenant = waiter.tenant.closed
                    ? tenants.computeIfAbsent(route.orgId(), org -> new TenantSlots<>(route, clock.getAsLong()))
                    : waiter.tenant;
            waiter.tenant = tenant;
            Slot<C> idle = tenant.mostRecentlyUsedIdleSlot();
            if (idle != null) {
                line.remove();
                idle.busy = true;
                plan.grant(waiter.request, new Lease<>(tenant, idle));
            } else if (tenant.slots.size() >= perTenant) {
                line.remove();
                tenant.waiting.add(waiter);
            } else if (hasRoom(tenant)) {
                line.remove();
                plan.grant(waiter.request, new Lease<>(tenant, open(tenant)));
            }
        }
        for (TenantSlots<C, R> tenant : tenants.values()) {
            while (!tenant.waiting.isEmpty() && tenant.slots.size() < perTenant && hasRoom(tenant)) {
                plan.grant(tenant.waiting.poll().request, new Lease<>(tenant, open(tenant)));
            }
        }
    }

    int openTenants() {
        return tenants.size();
    }

    int grantedConnections() {
        return granted;
    }

    /** Connections open or closing to the server. */
    int grantedConnections(String serverName) {
        ServerCount server = servers.get(serverName);
        return server == null ? 0 : server.granted;
    }

    int busyConnections() {
        return tenants.values().stream().mapToInt(TenantSlots::busySlots).sum();
    }

    int waitingRequests() {
        return waitingForBudget.size() + tenants.values().stream().mapToInt(t -> t.waiting.size()).sum();
    }

    /** Opens a busy slot, one connection from the budget; the caller checked the budget. */
    private Slot<C> open(TenantSlots<C, R> tenant) {
        Slot<C> slot = new Slot<>(connect.apply(tenant.route), clock.getAsLong());
        slot.busy = true;
        tenant.slots.add(slot);
        granted++;
        server(tenant).granted++;
        return slot;
    }

    /** Whether a new connection for the tenant fits the global budget and its server's cap. */
    private boolean hasRoom(TenantSlots<C, R> tenant) {
        ServerCount server = server(tenant);
        return granted < globalBudget && server.granted < server.cap;
    }

    private ServerCount server(TenantSlots<C, R> tenant) {
        return servers.computeIfAbsent(tenant.route.server(), name -> new ServerCount(globalBudget));
    }

    private void close(TenantSlots<C, R> tenant, Slot<C> slot, BudgetPlan<C, R> plan) {
        close(tenant, slot, false, plan);
    }

    /** The slot's connection closes; it counts against the budget until {@link #closed} says it is gone. */
    private void close(TenantSlots<C, R> tenant, Slot<C> slot, boolean reclaimed, BudgetPlan<C, R> plan) {
        plan.close(new BudgetPlan.Closing<>(tenant.route.server(), slot.connection, reclaimed));
        server(tenant).leaving++;
    }

    private List<TenantSlots<C, R>> tenantsOn(String serverName) {
        return tenants.values().stream().filter(tenant -> serverName.equals(tenant.route.server())).toList();
    }

    /**
     * Takes the tenant out of service: its waiting requests ask again and its idle connections close. A request
     * still running on one of its connections (a read when the tenant moved to another server) finishes; the
     * connection closes when it is given back.
     */
    private void retire(TenantSlots<C, R> tenant, BudgetPlan<C, R> plan) {
        tenant.closed = true;
        tenants.remove(tenant.route.orgId(), tenant);
        tenant.waiting.forEach(waiter -> plan.retry(waiter.request));
        tenant.waiting.clear();
        List<Slot<C>> idle = tenant.slots.stream().filter(slot -> !slot.busy).toList();
        tenant.slots.removeAll(idle);
        idle.forEach(slot -> close(tenant, slot, plan));
    }

    /** A connection of a tenant taken out of service comes back from its request: it closes now. */
    private void closeIfRetired(Lease<C, R> lease, BudgetPlan<C, R> plan) {
        if (lease.owner.closed && lease.owner.slots.remove(lease.slot)) {
            close(lease.owner, lease.slot, plan);
        }
    }

    /**
     * Chooses connections to close so that each tenant waiting without any connection gets one: on its own server
     * when that server is at its cap, on any server when the global budget is spent; first an idle spare connection
     * of a tenant that holds several, then the whole idle tenant unused for longest.
     */
    private void makeRoom(BudgetPlan<C, R> plan) {
        Map<String, Integer> waitingPerServer = new HashMap<>();
        waitingForBudget.forEach(waiter -> waitingPerServer.merge(waiter.tenant.route.server(), 1, Integer::sum));
        waitingPerServer.forEach((serverName, waiting) -> {
            ServerCount server = servers.get(serverName);
            while (server != null && waiting > server.reclaiming && server.granted >= server.cap
                    && closeIdle(tenantsOn(serverName), true, plan)) {
                // one more connection of this server is closing for them
            }
        });
        while (waitingForBudget.size() > reclaiming && granted >= globalBudget && closeIdle(tenants.values(), true, plan)) {
            // one more connection is closing for them
        }
    }

    /**
     * Closes the idle spare connection unused for longest of a candidate holding several, else the whole idle
     * candidate unused for longest; false when every candidate is busy. {@code reclaimed}: to make room for
     * tenants waiting without a connection.
     */
    private boolean closeIdle(Collection<TenantSlots<C, R>> candidates, boolean reclaimed, BudgetPlan<C, R> plan) {
        TenantSlots<C, R> owner = LeastRecentlyUsed.spareOwner(candidates);
        List<Slot<C>> leaving;
        if (owner != null) {
            Slot<C> spare = owner.leastRecentlyUsedIdleSlot();
            owner.slots.remove(spare);
            leaving = List.of(spare);
        } else {
            owner = LeastRecentlyUsed.idleTenant(candidates);
            if (owner == null) {
                return false;
            }
            owner.closed = true;
            tenants.remove(owner.route.orgId(), owner);
            leaving = new ArrayList<>(owner.slots);
            owner.slots.clear();
        }
        for (Slot<C> slot : leaving) {
            if (reclaimed) {
                reclaiming++;
                server(owner).reclaiming++;
            }
            close(owner, slot, reclaimed, plan);
        }
        return true;
    }

    /** Marks the lease given back; false when it was already, or its tenant left service. */
    private static boolean takeBack(Lease<?, ?> lease) {
        boolean live = !lease.released && !lease.owner.closed;
        lease.released = true;
        return live;
    }

    private Waiter<C, R> removeBudgetWaiterFor(TenantSlots<C, R> tenant) {
        Waiter<C, R> first = waitingForBudget.stream().filter(waiter -> waiter.tenant == tenant).findFirst()
                .orElse(null);
        waitingForBudget.remove(first);
        return first;
    }

    private boolean nobodyWaitsFor(TenantSlots<C, R> tenant) {
        return waitingForBudget.stream().noneMatch(waiter -> waiter.tenant == tenant);
    }
}
