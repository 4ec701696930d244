package io.tenantry.results.pool;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

import io.tenantry.results.store.TenantRoute;

/**
 * One tenant's share of the budget: its connections, and its requests waiting for one of them to come free.
 * Guarded by the lock of whoever calls {@link ConnectionBudget}.
 */
final class TenantSlots<C, R> {

    final TenantRoute route;
    final List<Slot<C>> slots = new ArrayList<>();
    final ArrayDeque<Waiter<C, R>> waiting = new ArrayDeque<>();
    long lastUsed;
    /** Out of service: its idle connections are closing, and the busy ones close as their requests give them back. */
    boolean closed;

    TenantSlots(TenantRoute route, long now) {
        this.route = route;
        this.lastUsed = now;
    }

    boolean isIdle() {
        return slots.stream().noneMatch(slot -> slot.busy);
    }

    int busySlots() {
        return (int) slots.stream().filter(slot -> slot.busy).count();
    }

    /** Takes out the idle slots unused since {@code cutoff}. */
    List<Slot<C>> takeIdleSlots(long cutoff) {
        List<Slot<C>> idle = slots.stream().filter(slot -> !slot.busy && slot.lastUsed < cutoff).toList();
        slots.removeAll(idle);
        return idle;
    }

    /** The idle slot unused for longest; null when all are busy. */
    Slot<C> leastRecentlyUsedIdleSlot() {
        Slot<C> oldest = null;
        for (Slot<C> slot : slots) {
            if (!slot.busy && (oldest == null || slot.lastUsed < oldest.lastUsed)) {
                oldest = slot;
            }
        }
        return oldest;
    }

    /** The idle slot used last, whose connection is the likeliest to be warm; null when all are busy. */
    Slot<C> mostRecentlyUsedIdleSlot() {
        Slot<C> best = null;
        for (Slot<C> slot : slots) {
            if (!slot.busy && (best == null || slot.lastUsed > best.lastUsed)) {
                best = slot;
            }
        }
        return best;
    }
}
