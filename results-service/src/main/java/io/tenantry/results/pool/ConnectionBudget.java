package io.tenantry.results.pool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
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
    /** Connections open or closing, over all tenants: never more than the budget. */
    private int granted;
    /** Connections being closed to make room for tenants that have none. */
    private int reclaiming;

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
        } else if (tenant.slots.size() < perTenant && granted < globalBudget) {
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
        plan.close(lease.slot.connection);
        return plan;
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
            tenant.takeIdleSlots(cutoff).forEach(slot -> plan.close(slot.connection));
        }
        return plan;
    }

    /**
     * A connection the budget let go of is closed; its place goes to the first requests of tenants that had none,
     * then to tenants waiting with fewer connections than their share (one of theirs was discarded).
     * {@code reclaimed} when it was closed to make room for them.
     */
    BudgetPlan<C, R> closed(boolean reclaimed) {
        BudgetPlan<C, R> plan = new BudgetPlan<>();
        granted--;
        if (reclaimed) {
            reclaiming--;
        }
        while (!waitingForBudget.isEmpty() && granted < globalBudget) {
            Waiter<C, R> waiter = waitingForBudget.poll();
            TenantRoute route = waiter.tenant.route;
            TenantSlots<C, R> tenant = waiter.tenant.closed
                    ? tenants.computeIfAbsent(route.orgId(), org -> new TenantSlots<>(route, clock.getAsLong()))
                    : waiter.tenant;
            waiter.tenant = tenant;
            Slot<C> idle = tenant.mostRecentlyUsedIdleSlot();
            if (idle != null) {
                idle.busy = true;
                plan.grant(waiter.request, new Lease<>(tenant, idle));
            } else if (tenant.slots.size() < perTenant) {
                plan.grant(waiter.request, new Lease<>(tenant, open(tenant)));
            } else {
                tenant.waiting.add(waiter);
            }
        }
        for (TenantSlots<C, R> tenant : tenants.values()) {
            while (!tenant.waiting.isEmpty() && tenant.slots.size() < perTenant && granted < globalBudget) {
                plan.grant(tenant.waiting.poll().request, new Lease<>(tenant, open(tenant)));
            }
        }
        return plan;
    }

    int openTenants() {
        return tenants.size();
    }

    int grantedConnections() {
        return granted;
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
        return slot;
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
        idle.forEach(slot -> plan.close(slot.connection));
    }

    /** A connection of a tenant taken out of service comes back from its request: it closes now. */
    private static <C, R> void closeIfRetired(Lease<C, R> lease, BudgetPlan<C, R> plan) {
        if (lease.owner.closed && lease.owner.slots.remove(lease.slot)) {
            plan.close(lease.slot.connection);
        }
    }

    /**
     * Chooses connections to close so that each tenant waiting without any connection gets one: first an idle
     * spare connection of a tenant that holds several, then the whole idle tenant unused for longest.
     */
    private void makeRoom(BudgetPlan<C, R> plan) {
        while (waitingForBudget.size() > reclaiming && granted >= globalBudget) {
            TenantSlots<C, R> owner = LeastRecentlyUsed.spareOwner(tenants.values());
            if (owner != null) {
                Slot<C> spare = owner.leastRecentlyUsedIdleSlot();
                owner.slots.remove(spare);
                plan.reclaim(spare.connection);
                reclaiming++;
                continue;
            }
            TenantSlots<C, R> idle = LeastRecentlyUsed.idleTenant(tenants.values());
            if (idle == null) {
                break;
            }
            idle.closed = true;
            tenants.remove(idle.route.orgId(), idle);
            idle.slots.forEach(slot -> plan.reclaim(slot.connection));
            reclaiming += idle.slots.size();
            idle.slots.clear();
        }
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
