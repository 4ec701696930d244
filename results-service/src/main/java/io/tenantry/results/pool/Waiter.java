package io.tenantry.results.pool;


/** A request waiting for a connection of a tenant; it moves to the tenant's fresh slots if the old ones closed. */
final class Waiter<C, R> {

    final R request;
    TenantSlots<C, R> tenant;

    Waiter(R request, TenantSlots<C, R> tenant) {
        this.request = request;
        this.tenant = tenant;
    }
}
