package io.tenantry.results.pool;


/** A slot lent to one request until it is released; released at most once. */
final class Lease<C, R> {

    final TenantSlots<C, R> owner;
    final Slot<C> slot;
    boolean released;

    Lease(TenantSlots<C, R> owner, Slot<C> slot) {
        this.owner = owner;
        this.slot = slot;
    }

    C connection() {
        return slot.connection;
    }
}
