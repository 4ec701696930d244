package io.tenantry.results.pool;


/** One connection of a tenant, granted from the budget; busy while a request uses it. */
final class Slot<C> {

    final C connection;
    boolean busy;
    long lastUsed;

    Slot(C connection, long now) {
        this.connection = connection;
        this.lastUsed = now;
    }
}
