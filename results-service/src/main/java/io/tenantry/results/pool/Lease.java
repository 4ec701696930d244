package io.tenantry.results.pool;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A slot lent to one request until it is released or discarded, at most once. The request that asked for it and
 * the cancellation of that request race to {@link #claim()} it: whoever wins gives it back.
 */
final class Lease<C, R> {

    final TenantSlots<C, R> owner;
    final Slot<C> slot;
    /** Given back to the budget; guarded by the budget's lock. */
    boolean released;
    private final AtomicBoolean claimed = new AtomicBoolean();

    Lease(TenantSlots<C, R> owner, Slot<C> slot) {
        this.owner = owner;
        this.slot = slot;
    }

    C connection() {
        return slot.connection;
    }

    boolean claim() {
        return claimed.compareAndSet(false, true);
    }
}
