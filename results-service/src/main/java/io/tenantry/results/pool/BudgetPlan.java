package io.tenantry.results.pool;

import java.util.ArrayList;
import java.util.List;

/**
 * What the caller of a {@link ConnectionBudget} decision does once it has let go of its lock: hand leases to
 * requests, start the clock of requests that now wait, let requests whose tenant's slots closed ask again, and
 * close connections (telling the budget when each is closed).
 */
final class BudgetPlan<C, R> {

    record Grant<C, R>(R request, Lease<C, R> lease) {
    }

    private final List<Grant<C, R>> grants = new ArrayList<>();
    private final List<R> waits = new ArrayList<>();
    private final List<R> retries = new ArrayList<>();
    private final List<C> reclaims = new ArrayList<>();
    private final List<C> closes = new ArrayList<>();

    void grant(R request, Lease<C, R> lease) {
        grants.add(new Grant<>(request, lease));
    }

    void waits(R request) {
        waits.add(request);
    }

    void retry(R request) {
        retries.add(request);
    }

    /** Closes a connection to make room for a tenant that has none. */
    void reclaim(C connection) {
        reclaims.add(connection);
    }

    /** Closes a connection nobody needs any more. */
    void close(C connection) {
        closes.add(connection);
    }

    List<Grant<C, R>> grants() {
        return grants;
    }

    List<R> waits() {
        return waits;
    }

    List<R> retries() {
        return retries;
    }

    List<C> reclaims() {
        return reclaims;
    }

    List<C> closes() {
        return closes;
    }
}
